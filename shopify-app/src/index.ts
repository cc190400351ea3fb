export * from './shopify-api';
export * from './shopify-app';
export * from './shopify-order';
export * from './wallet-link';
export { createCompliance } from './compliance';
export { PASS_METAFIELD_NAMESPACE, ShopifyAdminError, orderGid } from './order-admin';
