export { shopifyPlugin, shopifySetup, SHOPIFY_PREFIX, type ShopifySetup } from './shopify-plugin';
export { shopifyEnvSchema, type ShopifyEnv } from './shopify-env';
