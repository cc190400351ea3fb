export * from './woo-order';
export * from './woo-signature';
export * from './woo-shop';
export * from './woo-webhook';
export * from './woo-order-page';
