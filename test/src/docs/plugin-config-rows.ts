import type { ConfigRow } from './config-table';

// HAND-WRITTEN until the Shopify and WooCommerce plugins export env schemas of their own: then
// generate-docs.ts lists those schemas instead of these rows (and drops `except`). The text is the
// plugins' READMEs'.

export const WOOCOMMERCE_ROWS: readonly ConfigRow[] = [
  {
    name: 'PASSMINT_WOOCOMMERCE_URL',
    default: 'none',
    description:
      "the store's site URL, e.g. `https://shop.example.com`; with the next three (all four together) connects a WooCommerce store: see [its README](../integrations/woocommerce/README.md)",
  },
  { name: 'PASSMINT_WOOCOMMERCE_CONSUMER_KEY', default: 'none', description: "the store's REST API consumer key (`ck_…`)" },
  { name: 'PASSMINT_WOOCOMMERCE_CONSUMER_SECRET', default: 'none', description: "the store's REST API consumer secret (`cs_…`)" },
  {
    name: 'PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET',
    default: 'none',
    description: "a random string of your choosing (8 characters or more); the store's webhooks get the same",
  },
  {
    name: 'PASSMINT_WOOCOMMERCE_TENANT',
    default: 'the first tenant',
    description: 'the tenant whose passes the store makes, by name or id; the start-up report names it',
  },
  {
    name: 'PASSMINT_WOOCOMMERCE_TEMPLATE',
    default: 'none',
    description: "optional JSON file: how the passes look (the Shopify app's template)",
  },
];

export const SHOPIFY_ROWS: readonly ConfigRow[] = [
  {
    name: 'PASSMINT_SHOPIFY_SHOP',
    default: 'none',
    description:
      "the shop's domain, `your-shop.myshopify.com`; with the next three (all four together) connects a Shopify shop: see [its README](../shopify-app/README.md)",
  },
  { name: 'PASSMINT_SHOPIFY_API_KEY', default: 'none', description: "the app's client ID" },
  {
    name: 'PASSMINT_SHOPIFY_API_SECRET',
    default: 'none',
    description: "the app's client secret (verifies webhooks, gets Admin API tokens)",
  },
  {
    name: 'PASSMINT_SHOPIFY_LINK_SECRET',
    default: 'none',
    description: 'a random string of 16+ characters; signs the wallet links in emails',
  },
  {
    name: 'PASSMINT_SHOPIFY_TENANT',
    default: 'the first tenant',
    description: 'the tenant whose passes the shop makes, by name or id; the start-up report names it',
  },
  { name: 'PASSMINT_SHOPIFY_TEMPLATE', default: 'none', description: 'optional JSON file: how the passes look' },
  { name: 'PASSMINT_SHOPIFY_API_VERSION', default: '`2026-07`', description: 'the Admin API version' },
];
