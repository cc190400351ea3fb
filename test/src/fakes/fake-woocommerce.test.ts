import { createHmac, randomBytes } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import {
  deliverWooWebhook,
  pingWooWebhook,
  signWooWebhook,
  startFakeWooCommerce,
  WOO_WEBHOOK_USER_AGENT,
  wooDeliveryId,
  wooOrderFixture,
  type FakeWooCommerce,
  type WooOrder,
  type WooOrderNote,
} from './fake-woocommerce';

const KEY = `ck_${randomBytes(20).toString('hex')}`;
const SECRET = `cs_${randomBytes(20).toString('hex')}`;
const ORDER_ID = 1042;
const ORDER_PATH = `/wp-json/wc/v3/orders/${ORDER_ID}`;
const MINUTE_S = 60;

interface WooErrorBody {
  code: string;
  message: string;
  data: { status: number } & Record<string, unknown>;
}

interface Reply<T> {
  status: number;
  json: T;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let fake: FakeWooCommerce;

beforeEach(async () => {
  fake = await startFakeWooCommerce({ consumerKey: KEY, consumerSecret: SECRET, orders: [wooOrderFixture()] });
});

afterEach(async () => {
  await fake.stop();
});

function client(options: { key?: string; secret?: string; url?: string } = {}): WooCommerceRestApi {
  return new WooCommerceRestApi({
    url: options.url ?? fake.url,
    consumerKey: options.key ?? KEY,
    consumerSecret: options.secret ?? SECRET,
    version: 'wc/v3',
  });
}

/** The axios error response of a request that must fail. */
async function refusal(request: Promise<unknown>): Promise<Reply<WooErrorBody>> {
  try {
    await request;
  } catch (error) {
    const response = (error as { response?: { status: number; data: WooErrorBody } }).response;
    if (response === undefined) throw error;
    return { status: response.status, json: response.data };
  }
  throw new Error('the request succeeded');
}

function percent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

interface Signing {
  method?: string;
  path?: string;
  params?: Record<string, string>;
  nonce?: string;
  timestamp?: number;
  signatureMethod?: string;
  secret?: string;
}

/**
 * One-legged OAuth 1.0a parameters per RFC 5849 section 3.4, written from the RFC, not from the fake, for the
 * requests the client library cannot make (fixed nonce, old timestamp, SHA-1, header placement).
 */
function oauthParams(signing: Signing): Record<string, string> {
  const oauth = {
    oauth_consumer_key: KEY,
    oauth_nonce: signing.nonce ?? randomBytes(16).toString('hex'),
    oauth_signature_method: signing.signatureMethod ?? 'HMAC-SHA256',
    oauth_timestamp: String(signing.timestamp ?? Math.floor(Date.now() / 1000)),
    oauth_version: '1.0',
  };
  const all: Record<string, string> = { ...signing.params, ...oauth };
  const pairs = Object.entries(all)
    .map(([name, value]) => [percent(name), percent(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`);
  const base = [signing.method ?? 'GET', percent(`${fake.url}${signing.path ?? ORDER_PATH}`), percent(pairs.join('&'))].join('&');
  const algorithm = signing.signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256';
  return {
    ...all,
    oauth_signature: createHmac(algorithm, `${percent(signing.secret ?? SECRET)}&`)
      .update(base)
      .digest('base64'),
  };
}

async function call<T = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<Reply<T>> {
  const response = await fetch(url, init);
  return { status: response.status, json: (await response.json()) as T };
}

function signedUrl(signing: Signing): string {
  return `${fake.url}${signing.path ?? ORDER_PATH}?${new URLSearchParams(oauthParams(signing)).toString()}`;
}

/** Whole-second UTC stamp as WooCommerce writes `*_gmt` dates. */
function gmt(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

function hoursAhead(local: string, utc: string): number {
  return (Date.parse(`${local}Z`) - Date.parse(`${utc}Z`)) / 3_600_000;
}

async function withReceiver(status: number, run: (url: string, received: Received[]) => Promise<void>): Promise<void> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/woocommerce`, received);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('orders and notes through @woocommerce/woocommerce-rest-api', () => {
  test('GET an order returns the wc/v3 resource with links to this store', async () => {
    const { status, data } = (await client().get(`orders/${ORDER_ID}`)) as { status: number; data: WooOrder };
    expect(status).toBe(200);
    const { _links: links, ...order } = data;
    const { _links: _fixtureLinks, ...fixture } = wooOrderFixture();
    expect(order).toEqual(fixture);
    expect(links).toMatchObject({
      self: [{ href: `${fake.url}${ORDER_PATH}` }],
      collection: [{ href: `${fake.url}/wp-json/wc/v3/orders` }],
    });
    expect(fake.writes).toEqual([]);
  });

  test('PUT meta_data updates by id, adds or replaces by key, deletes on null, and moves date_modified', async () => {
    const before = Date.now();
    const first = (await client().put(`orders/${ORDER_ID}`, {
      meta_data: [
        { key: '_passmint_serial', value: 'PM-0001' },
        { id: 18871, key: '_stripe_intent_id', value: 'pi_replaced' },
      ],
    })) as { data: WooOrder };
    const after = Date.now();
    const serial = first.data.meta_data.find((meta) => meta.key === '_passmint_serial');
    expect(first.data.meta_data).toEqual([
      { id: 18871, key: '_stripe_intent_id', value: 'pi_replaced' },
      { id: expect.any(Number), key: '_passmint_serial', value: 'PM-0001' },
    ]);
    expect(first.data.date_modified_gmt >= gmt(before) && first.data.date_modified_gmt <= gmt(after)).toBe(true);
    expect(first.data.date_modified_gmt).not.toBe(wooOrderFixture().date_modified_gmt);
    expect(hoursAhead(first.data.date_modified, first.data.date_modified_gmt)).toBe(1);
    expect(fake.orders.get(ORDER_ID)?.meta_data).toEqual(first.data.meta_data);

    const second = (await client().put(`orders/${ORDER_ID}`, {
      meta_data: [
        { key: '_passmint_serial', value: 'PM-0002' },
        { key: '_stripe_intent_id', value: null },
      ],
    })) as {
      data: WooOrder;
    };
    expect(second.data.meta_data).toEqual([{ id: serial?.id, key: '_passmint_serial', value: 'PM-0002' }]);
    expect(fake.writes.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      {
        method: 'PUT',
        path: ORDER_PATH,
        body: {
          meta_data: [
            { key: '_passmint_serial', value: 'PM-0001' },
            { id: 18871, key: '_stripe_intent_id', value: 'pi_replaced' },
          ],
        },
      },
      {
        method: 'PUT',
        path: ORDER_PATH,
        body: {
          meta_data: [
            { key: '_passmint_serial', value: 'PM-0002' },
            { key: '_stripe_intent_id', value: null },
          ],
        },
      },
    ]);
  });

  test('a key without an id collapses duplicate entries into the first, as update_meta_data does', async () => {
    fake.orders
      .get(ORDER_ID)
      ?.meta_data.push({ id: 19000, key: '_passmint_serial', value: 'old-1' }, { id: 19001, key: '_passmint_serial', value: 'old-2' });
    const { data } = (await client().post(`orders/${ORDER_ID}`, { meta_data: [{ key: '_passmint_serial', value: 'PM-0003' }] })) as {
      data: WooOrder;
    };
    expect(data.meta_data.filter((meta) => meta.key === '_passmint_serial')).toEqual([
      { id: 19000, key: '_passmint_serial', value: 'PM-0003' },
    ]);
  });

  test('POST a customer note is a 201 with the note resource and a Location; GET lists it; the order itself is not saved', async () => {
    const note = 'Your wallet pass: https://passmint.example/p/PM-0001';
    const created = (await client().post(`orders/${ORDER_ID}/notes`, { note, customer_note: true })) as {
      status: number;
      data: WooOrderNote;
      headers: Record<string, string>;
    };
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ id: expect.any(Number), author: 'WooCommerce', note, customer_note: true });
    expect(created.data.date_created_gmt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(hoursAhead(created.data.date_created, created.data.date_created_gmt)).toBe(1);
    expect(created.headers['location']).toBe(`${fake.url}${ORDER_PATH}/notes/${created.data.id}`);

    await client().post(`orders/${ORDER_ID}/notes`, { note: 'Checked C:\\exports by hand', added_by_user: true });
    const listed = (await client().get(`orders/${ORDER_ID}/notes`)) as { data: WooOrderNote[] };
    expect(listed.data.map(({ note: text, author, customer_note }) => ({ text, author, customer_note }))).toEqual([
      { text: 'Checked C:exports by hand', author: 'Shop Manager', customer_note: false },
      { text: note, author: 'WooCommerce', customer_note: true },
    ]);
    expect(fake.notes(ORDER_ID)).toEqual(
      listed.data.map(({ id, author, date_created, date_created_gmt, note: text, customer_note }) => ({
        id,
        author,
        date_created,
        date_created_gmt,
        note: text,
        customer_note,
      })),
    );
    const customerOnly = (await client().get(`orders/${ORDER_ID}/notes`, { type: 'customer' })) as { data: WooOrderNote[] };
    expect(customerOnly.data.map((n) => n.id)).toEqual([created.data.id]);
    expect(fake.orders.get(ORDER_ID)?.date_modified_gmt).toBe(wooOrderFixture().date_modified_gmt);
  });

  test('a status change to completed stamps date_completed and adds the system note', async () => {
    const { data } = (await client().put(`orders/${ORDER_ID}`, { status: 'completed' })) as { data: WooOrder };
    expect(data.status).toBe('completed');
    expect(data.date_completed_gmt).toBe(data.date_modified_gmt);
    expect(data.date_paid_gmt).toBe(wooOrderFixture().date_paid_gmt);
    expect(fake.notes(ORDER_ID)).toEqual([
      expect.objectContaining({ author: 'WooCommerce', note: 'Order status changed from Processing to Completed.', customer_note: false }),
    ]);
  });

  test('an unknown order: GET is a 404 and PUT a 400, in WooCommerce error shape', async () => {
    expect(await refusal(client().get('orders/999999'))).toEqual({
      status: 404,
      json: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 404 } },
    });
    expect(await refusal(client().put('orders/999999', { status: 'completed' }))).toEqual({
      status: 400,
      json: { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.', data: { status: 400 } },
    });
    expect(await refusal(client().post('orders/999999/notes', { note: 'x' }))).toMatchObject({
      status: 404,
      json: { code: 'woocommerce_rest_order_invalid_id' },
    });
  });
});

describe('products', () => {
  test('GET a product gives its categories and tags; an unknown id is a 404; anonymous callers are refused', async () => {
    fake.products.set(31, {
      id: 31,
      name: 'Night of Espresso Jazz',
      slug: 'night-of-espresso-jazz',
      type: 'simple',
      status: 'publish',
      categories: [{ id: 9, name: 'Concerts', slug: 'concerts' }],
      tags: [{ id: 4, name: 'Live', slug: 'live' }],
    });
    const found = await client().get('products/31');
    expect(found.data).toMatchObject({ id: 31, categories: [{ name: 'Concerts', slug: 'concerts' }], tags: [{ slug: 'live' }] });
    expect(await refusal(client().get('products/32'))).toMatchObject({
      status: 404,
      json: { code: 'woocommerce_rest_product_invalid_id' },
    });
    const anonymous = await fetch(`${fake.url}/wp-json/wc/v3/products/31`);
    expect(anonymous.status).toBe(401);
    expect(await refusal(client().put('products/31', { name: 'x' }))).toMatchObject({ status: 501 });
  });
});

describe('authentication over plain HTTP', () => {
  test('a wrong consumer secret is a 401 and lands in rejected', async () => {
    expect(await refusal(client({ secret: `${SECRET}x` }).get(`orders/${ORDER_ID}`))).toEqual({
      status: 401,
      json: {
        code: 'woocommerce_rest_authentication_error',
        message: 'Invalid signature - provided signature does not match.',
        data: { status: 401 },
      },
    });
    expect(fake.rejected).toEqual([{ method: 'GET', path: ORDER_PATH, status: 401, code: 'woocommerce_rest_authentication_error' }]);
  });

  test('an unknown consumer key is a 401', async () => {
    expect(await refusal(client({ key: 'ck_unknown' }).get(`orders/${ORDER_ID}`))).toMatchObject({
      status: 401,
      json: { message: 'Consumer key is invalid.' },
    });
  });

  test('a replayed request (same nonce) is a 401', async () => {
    const url = signedUrl({ nonce: 'replayed-nonce-1' });
    expect((await call(url)).status).toBe(200);
    expect(await call(url)).toEqual({
      status: 401,
      json: {
        code: 'woocommerce_rest_authentication_error',
        message: 'Invalid nonce - nonce has already been used.',
        data: { status: 401 },
      },
    });
  });

  test('a timestamp more than 15 minutes off either way is a 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const timestamp of [now - 16 * MINUTE_S, now + 16 * MINUTE_S]) {
      expect(await call(signedUrl({ timestamp }))).toMatchObject({
        status: 401,
        json: { code: 'woocommerce_rest_authentication_error', message: 'Invalid timestamp.' },
      });
    }
    expect((await call(signedUrl({ timestamp: now - 14 * MINUTE_S }))).status).toBe(200);
  });

  test('Basic auth and consumer_key/consumer_secret in the query are not looked at over HTTP', async () => {
    const basic = Buffer.from(`${KEY}:${SECRET}`).toString('base64');
    const viaHeader = await call<WooErrorBody>(`${fake.url}${ORDER_PATH}`, { headers: { authorization: `Basic ${basic}` } });
    const viaQuery = await call<WooErrorBody>(`${fake.url}${ORDER_PATH}?consumer_key=${KEY}&consumer_secret=${SECRET}`);
    for (const reply of [viaHeader, viaQuery]) {
      expect(reply).toEqual({
        status: 401,
        json: { code: 'woocommerce_rest_cannot_view', message: 'Sorry, you cannot view this resource.', data: { status: 401 } },
      });
    }
  });

  test('HMAC-SHA1 is accepted, and so are the OAuth parameters in an Authorization header', async () => {
    expect((await call(signedUrl({ signatureMethod: 'HMAC-SHA1' }))).status).toBe(200);
    const params = oauthParams({ params: { context: 'view' } });
    const header = `OAuth ${Object.entries(params)
      .map(([name, value]) => `${name}="${percent(value)}"`)
      .join(', ')}`;
    expect((await call(`${fake.url}${ORDER_PATH}?context=view`, { headers: { authorization: header } })).status).toBe(200);
  });

  test('a missing OAuth parameter or another signature method is a 401', async () => {
    const { oauth_nonce: _nonce, ...withoutNonce } = oauthParams({});
    expect(await call(`${fake.url}${ORDER_PATH}?${new URLSearchParams(withoutNonce).toString()}`)).toMatchObject({
      status: 401,
      json: { code: 'woocommerce_rest_authentication_missing_parameter', message: 'Missing OAuth parameter oauth_nonce' },
    });
    expect(await call(signedUrl({ signatureMethod: 'PLAINTEXT' }))).toMatchObject({
      status: 401,
      json: { message: 'Invalid signature - signature method is invalid.' },
    });
  });

  test('a read-only key can read but not write', async () => {
    const store = await startFakeWooCommerce({
      consumerKey: KEY,
      consumerSecret: SECRET,
      permissions: 'read',
      orders: [wooOrderFixture()],
    });
    try {
      const reader = client({ url: store.url });
      expect(((await reader.get(`orders/${ORDER_ID}`)) as { status: number }).status).toBe(200);
      expect(await refusal(reader.put(`orders/${ORDER_ID}`, { status: 'completed' }))).toMatchObject({
        status: 401,
        json: { code: 'woocommerce_rest_authentication_error', message: 'The API key provided does not have write permissions.' },
      });
      expect(store.writes).toEqual([]);
    } finally {
      await store.stop();
    }
  });
});

describe('request checks', () => {
  test('a note without note is a 400 rest_missing_callback_param', async () => {
    expect(await refusal(client().post(`orders/${ORDER_ID}/notes`, { customer_note: true }))).toEqual({
      status: 400,
      json: { code: 'rest_missing_callback_param', message: 'Missing parameter(s): note', data: { status: 400, params: ['note'] } },
    });
  });

  test('meta_data must be an array of objects with string keys; status must be a known one', async () => {
    const cases: [unknown, string][] = [
      [{ meta_data: [{ key: 5, value: 'x' }] }, 'meta_data[0][key] is not of type string.'],
      [{ meta_data: [{ value: 'x' }] }, 'key is a required property of meta_data[0].'],
      [{ meta_data: ['x'] }, 'meta_data[0] is not of type object.'],
      [{ meta_data: { key: 'x', value: 'y' } }, 'meta_data is not of type array.'],
    ];
    for (const [body, message] of cases) {
      expect(await refusal(client().put(`orders/${ORDER_ID}`, body))).toMatchObject({
        status: 400,
        json: {
          code: 'rest_invalid_param',
          message: 'Invalid parameter(s): meta_data',
          data: { status: 400, params: { meta_data: message } },
        },
      });
    }
    expect(await refusal(client().put(`orders/${ORDER_ID}`, { status: 'shipped' }))).toMatchObject({
      status: 400,
      json: {
        data: {
          params: {
            status:
              'status is not one of auto-draft, pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft.',
          },
        },
      },
    });
    expect(fake.orders.get(ORDER_ID)).toEqual(wooOrderFixture());
    expect(fake.writes).toEqual([]);
  });

  test('a JSON body sent without a JSON content type is not read, as WordPress does not read it', async () => {
    const path = ORDER_PATH;
    const reply = await call<WooOrder>(signedUrl({ method: 'PUT', path }), {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ meta_data: [{ key: '_passmint_serial', value: 'PM-0004' }] }),
    });
    expect(reply.status).toBe(200);
    expect(reply.json.meta_data.map((meta) => meta.key)).toEqual(['_stripe_intent_id']);
  });

  test('malformed JSON is a 400 rest_invalid_json', async () => {
    const reply = await call<WooErrorBody>(signedUrl({ method: 'PUT' }), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"meta_data": [',
    });
    expect(reply).toMatchObject({ status: 400, json: { code: 'rest_invalid_json', message: 'Invalid JSON body passed.' } });
  });

  test('an id in the body that differs from the URL is refused, since WordPress would act on the body id', async () => {
    expect(await refusal(client().put(`orders/${ORDER_ID}`, { id: 7, customer_note: 'x' }))).toMatchObject({
      status: 400,
      json: { code: 'fake_woocommerce_url_param_overridden' },
    });
  });

  test('writable fields the fake does not model are a 501, not silently dropped', async () => {
    expect(await refusal(client().put(`orders/${ORDER_ID}`, { billing: { phone: '+49 30 1' } }))).toMatchObject({
      status: 501,
      json: { code: 'fake_woocommerce_not_modeled' },
    });
  });

  test('an unknown route is a 404 rest_no_route', async () => {
    expect(await refusal(client().put(`orders/${ORDER_ID}/notes`, { note: 'x' }))).toEqual({
      status: 404,
      json: { code: 'rest_no_route', message: 'No route was found matching the URL and request method.', data: { status: 404 } },
    });
  });
});

describe('webhooks', () => {
  test('signWooWebhook is the base64 HMAC-SHA256 of the raw body', () => {
    const body = '{"id":1042,"status":"processing"}';
    expect(signWooWebhook(body, 'whsec-1')).toBe(createHmac('sha256', 'whsec-1').update(body).digest('base64'));
    expect(signWooWebhook(Buffer.from(body), 'whsec-1')).toBe(signWooWebhook(body, 'whsec-1'));
  });

  test('deliverWooWebhook POSTs the order as WooCommerce does: wp_json_encode body, signature and X-WC-Webhook-* headers', async () => {
    const order = wooOrderFixture();
    await withReceiver(200, async (url, received) => {
      const before = Date.now();
      const answer = await deliverWooWebhook(url, {
        topic: 'order.created',
        order,
        secret: 'whsec-1',
        webhookId: 31,
        sourceUrl: 'https://shop.example.test',
      });
      const after = Date.now();
      expect(answer).toEqual({ status: 200, body: 'received' });
      const [hit] = received;
      expect(hit?.method).toBe('POST');
      expect(hit?.url).toBe('/hooks/woocommerce');
      expect(hit?.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': WOO_WEBHOOK_USER_AGENT,
        'x-wc-webhook-source': 'https://shop.example.test/',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'created',
        'x-wc-webhook-id': '31',
      });
      expect(WOO_WEBHOOK_USER_AGENT).toMatch(/^WooCommerce\/\d+\.\d+\.\d+ Hookshot \(WordPress\/\d+\.\d+(\.\d+)?\)$/);
      expect([wooDeliveryId(31, before), wooDeliveryId(31, after)]).toContain(hit?.headers['x-wc-webhook-delivery-id']);
      const body = hit?.body ?? '';
      expect(hit?.headers['x-wc-webhook-signature']).toBe(createHmac('sha256', 'whsec-1').update(body).digest('base64'));
      expect(body).toContain('"address_1":"Sch\\u00f6nhauser Allee 112"');
      expect(body).toContain('"href":"https:\\/\\/shop.example.test\\/wp-json\\/wc\\/v3\\/orders\\/1042"');
      expect(body).toContain('"currency_symbol":"\\u20ac"');
      expect(JSON.parse(body)).toEqual(order);
    });
  });

  test('order.deleted carries only the id; a signature override is sent as given; the receiver status comes back', async () => {
    await withReceiver(401, async (url, received) => {
      const answer = await deliverWooWebhook(url, {
        topic: 'order.deleted',
        order: wooOrderFixture(),
        secret: 'whsec-1',
        signature: 'bm90IGl0',
      });
      expect(answer.status).toBe(401);
      expect(received[0]?.body).toBe('{"id":1042}');
      expect(received[0]?.headers).toMatchObject({
        'x-wc-webhook-event': 'deleted',
        'x-wc-webhook-signature': 'bm90IGl0',
        'x-wc-webhook-id': '12',
      });
    });
  });

  test('pingWooWebhook sends webhook_id as a form, with no signature or X-WC-Webhook-* headers', async () => {
    await withReceiver(200, async (url, received) => {
      expect(await pingWooWebhook(url, 31)).toEqual({ status: 200, body: 'received' });
      const [hit] = received;
      expect(hit?.body).toBe('webhook_id=31');
      expect(hit?.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', 'user-agent': WOO_WEBHOOK_USER_AGENT });
      expect(Object.keys(hit?.headers ?? {}).filter((name) => name.startsWith('x-wc-'))).toEqual([]);
    });
  });

  test('delivery ids are WooCommerce hashes of webhook id and second: new each second, shared within one', () => {
    const second = 1_795_000_000_000;
    expect(wooDeliveryId(31, second)).toMatch(/^[0-9a-f]{32}$/);
    expect(wooDeliveryId(31, second + 999)).toBe(wooDeliveryId(31, second));
    expect(wooDeliveryId(31, second + 1000)).not.toBe(wooDeliveryId(31, second));
    expect(wooDeliveryId(32, second)).not.toBe(wooDeliveryId(31, second));
  });
});

describe('fixture', () => {
  test('wooOrderFixture is a fresh deep copy each time, with overrides applied', () => {
    const first = wooOrderFixture({ id: 7, status: 'on-hold' });
    first.billing.first_name = 'Changed';
    first.meta_data.push({ id: 1, key: 'x', value: 'y' });
    const second = wooOrderFixture();
    expect(first).toMatchObject({ id: 7, status: 'on-hold' });
    expect(second).toMatchObject({ id: ORDER_ID, status: 'processing', currency: 'EUR' });
    expect(second.billing.first_name).toBe('Lena');
    expect(second.meta_data).toHaveLength(1);
  });

  test('the fixture is a consistent paid order: totals add up, two line items, one shipping line', () => {
    const order = wooOrderFixture();
    const cents = (money: string): number => Math.round(Number(money) * 100);
    const lines = order.line_items.reduce((sum, item) => sum + cents(item.total), 0);
    expect(order.line_items).toHaveLength(2);
    expect(order.shipping_lines).toHaveLength(1);
    expect(lines + cents(order.shipping_total) + cents(order.total_tax)).toBe(cents(order.total));
    expect(order.date_paid).not.toBeNull();
    expect(hoursAhead(order.date_created, order.date_created_gmt)).toBe(1);
  });
});
