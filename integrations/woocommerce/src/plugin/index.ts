export { wooCommercePlugin, wooCommerceSetup, WOOCOMMERCE_WEBHOOK_PATH, type WooCommerceSetup } from './woocommerce-plugin';
export { wooCommerceEnvSchema, type WooCommerceEnv } from './woocommerce-env';
