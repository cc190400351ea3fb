export * from './order-store';
export * from './ticket-store';
export { ORDER_STORE_MIGRATIONS, type OrderStoreMigration } from './order-store-migrations';
export { createSqliteOrderStore } from './sqlite-order-store';
export { createPostgresOrderStore } from './postgres-order-store';
export { orderStoreOn, type OrderStoreDatabase } from './order-store-on';
