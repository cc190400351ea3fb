/** A WooCommerce store's complete settings, as an operator sets them for `passmint serve`. */
export const WOOCOMMERCE_ENV = {
  PASSMINT_WOOCOMMERCE_URL: 'https://shop.example.com',
  PASSMINT_WOOCOMMERCE_CONSUMER_KEY: `ck_${'a'.repeat(40)}`,
  PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: `cs_${'b'.repeat(40)}`,
  PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: 'webhook-secret',
};

/** A Shopify shop's complete settings. */
export const SHOPIFY_ENV = {
  PASSMINT_SHOPIFY_SHOP: 'bayroast.myshopify.com',
  PASSMINT_SHOPIFY_API_KEY: 'client-id',
  PASSMINT_SHOPIFY_API_SECRET: 'client-secret',
  PASSMINT_SHOPIFY_LINK_SECRET: 'link-secret-0123456789',
};
