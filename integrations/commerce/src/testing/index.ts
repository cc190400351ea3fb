export { describeOrderStoreConformance, type OpenedOrderStore } from './order-store-conformance';
