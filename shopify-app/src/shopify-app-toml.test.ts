import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_API_VERSION, DEFAULT_SCOPES } from './shopify-api';
import { COMPLIANCE_TOPICS, ORDER_TOPICS } from './shopify-app';

// The example configuration the README tells merchants to deploy: it must subscribe to exactly the
// topics the app handles, with the scopes and API version the code uses.
const toml = readFileSync(join(__dirname, '..', 'shopify.app.toml'), 'utf8');

function listAfter(key: string): string[] {
  const match = new RegExp(`^${key} = \\[([^\\]]*)\\]`, 'm').exec(toml);
  return match ? [...match[1]!.matchAll(/"([^"]+)"/g)].map((item) => item[1]!) : [];
}

/** `orders/create` in the configuration file is ORDERS_CREATE in the library. */
const asEnum = (topic: string) => topic.replace('/', '_').toUpperCase();

test('shopify.app.toml subscribes to exactly the order and privacy topics the app handles', () => {
  expect(listAfter('topics').map(asEnum).sort()).toEqual([...ORDER_TOPICS].sort());
  expect(listAfter('compliance_topics').map(asEnum).sort()).toEqual([...COMPLIANCE_TOPICS].sort());
  expect(toml.match(/^uri = "https:\/\/passes\.example\.com\/commerce\/shopify\/webhooks"$/gm)).toHaveLength(2);
});

test('shopify.app.toml asks for the scopes and the API version the code uses, and the OAuth callback it serves', () => {
  expect(/^scopes = "([^"]*)"/m.exec(toml)?.[1]?.split(',')).toEqual(DEFAULT_SCOPES);
  expect(/^api_version = "([^"]*)"/m.exec(toml)?.[1]).toBe(DEFAULT_API_VERSION);
  expect(listAfter('redirect_urls')).toEqual(['https://passes.example.com/commerce/shopify/auth/callback']);
});
