import { ConfigError, readEnv } from '@passmint/server';
import { PLUGINS } from './plugins';
import { SHOPIFY_ENV, WOOCOMMERCE_ENV } from './test-support/shop-env';

const woo = WOOCOMMERCE_ENV;
const shopify = SHOPIFY_ENV;

/** The server's variables and each plugin's, as `passmint serve` reads them. */
function readAll(env: Record<string, string>): Record<string, unknown> {
  return Object.assign({ ...readEnv(env, PLUGINS) }, ...PLUGINS.map((plugin) => plugin.env.parse(env)));
}

function problems(env: Record<string, string>): string[] {
  try {
    readAll(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

test('no shop configured is fine; a complete WooCommerce or Shopify configuration parses', () => {
  expect(problems({})).toEqual([]);
  expect(readAll({ ...woo, ...shopify })).toMatchObject({
    PASSMINT_WOOCOMMERCE_URL: woo.PASSMINT_WOOCOMMERCE_URL,
    PASSMINT_SHOPIFY_SHOP: shopify.PASSMINT_SHOPIFY_SHOP,
  });
});

test('a half-configured shop names what is missing', () => {
  expect(problems({ PASSMINT_WOOCOMMERCE_URL: woo.PASSMINT_WOOCOMMERCE_URL })).toEqual([
    expect.stringMatching(
      /connect a WooCommerce store: missing PASSMINT_WOOCOMMERCE_CONSUMER_KEY, PASSMINT_WOOCOMMERCE_CONSUMER_SECRET, PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET/,
    ),
  ]);
  const { PASSMINT_SHOPIFY_LINK_SECRET: _omitted, ...noLinkSecret } = shopify;
  expect(problems(noLinkSecret)).toEqual([expect.stringMatching(/connect a Shopify shop: missing PASSMINT_SHOPIFY_LINK_SECRET$/)]);
});

test('malformed shop settings are listed together, each with its variable', () => {
  const found = problems({
    ...woo,
    PASSMINT_WOOCOMMERCE_CONSUMER_KEY: 'ck_short',
    PASSMINT_WOOCOMMERCE_URL: 'ftp://shop.example.com',
    ...shopify,
    PASSMINT_SHOPIFY_LINK_SECRET: 'short',
    PASSMINT_SHOPIFY_SHOP: 'https://bayroast.myshopify.com',
    PASSMINT_SHOPIFY_API_VERSION: 'latest',
  });
  for (const variable of [
    'PASSMINT_WOOCOMMERCE_CONSUMER_KEY',
    'PASSMINT_WOOCOMMERCE_URL',
    'PASSMINT_SHOPIFY_LINK_SECRET',
    'PASSMINT_SHOPIFY_SHOP',
    'PASSMINT_SHOPIFY_API_VERSION',
  ]) {
    expect(found).toContainEqual(expect.stringContaining(variable));
  }
});
