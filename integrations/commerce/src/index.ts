export * from './order';
export * from './shop-template';
export * from './order-pass';
export * from './order-sync';
export { orderPassFromRow, type OrderPassRow } from './order-pass-row';
export { parseJsonExact } from './exact-json';
