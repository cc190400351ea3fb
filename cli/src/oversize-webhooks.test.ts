import { request, startInProcess, testOversizeFloods, type InProcessServer } from './testing';
import { SHOPIFY_ENV, WOOCOMMERCE_ENV } from './test-support/shop-env';

const MB = 1024 * 1024;
const CLIENT_BODY = 30 * MB;

let server: InProcessServer;

beforeAll(async () => {
  server = await startInProcess({
    ...WOOCOMMERCE_ENV,
    PASSMINT_WOOCOMMERCE_URL: 'https://shop.invalid',
    ...SHOPIFY_ENV,
  });
});
afterAll(() => server.close());

// The plugins' webhook routes, as the server's own routes are in core/server's oversize-bodies test.
const ROUTES: { name: string; head: () => string }[] = [
  {
    name: 'WooCommerce webhook (2 MiB)',
    head: () => 'POST /commerce/woocommerce/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n',
  },
  {
    name: 'Shopify webhook (2 MiB)',
    head: () => 'POST /commerce/shopify/webhooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n',
  },
];

describe('a client that writes 30 MB without waiting for 100-continue reads the 413', () => {
  testOversizeFloods(ROUTES, () => server.url, CLIENT_BODY);

  test('the server is still answering', async () => {
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
  });
});
