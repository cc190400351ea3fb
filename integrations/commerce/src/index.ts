export * from './order';
export * from './shop-template';
export * from './order-pass';
export * from './order-sync';
export { parseJsonExact } from './exact-json';
export * from './order-store';
export { loadShopTemplate, type ShopTemplateResult } from './shop-template-file';
