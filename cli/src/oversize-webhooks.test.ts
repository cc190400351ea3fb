import { errorResponseSchema } from '@passmint/engine/schema';
import { floodBody, request, startInProcess, type InProcessServer } from './testing';
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
  test.each(ROUTES.map((route) => [route.name, route] as const))('%s, with Content-Length', async (_name, route) => {
    const answer = await floodBody(server.url, `${route.head()}Content-Length: ${CLIENT_BODY}\r\n\r\n`, CLIENT_BODY);
    expect(answer.status).toBe(413);
    expect(errorResponseSchema.parse(JSON.parse(answer.body))).toMatchObject({ code: 'body_too_large' });
    // The whole body was taken and thrown away, without a reset.
    expect(answer.written).toBeGreaterThanOrEqual(CLIENT_BODY);
    expect(answer.ended).toBe('close');
  });

  test.each(ROUTES.map((route) => [route.name, route] as const))('%s, chunked', async (_name, route) => {
    const answer = await floodBody(server.url, `${route.head()}Transfer-Encoding: chunked\r\n\r\n`, CLIENT_BODY, { chunked: true });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'body_too_large' });
    expect(answer.ended).toBe('close');
  });

  test('the server is still answering', async () => {
    expect((await request(`${server.url}/healthz`)).status).toBe(200);
  });
});
