import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi, type WebhookValidation } from '@shopify/shopify-api';
import {
  deliverShopifyWebhook,
  SHOPIFY_API_VERSIONS,
  SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN,
  shopifyOrderNodeFixture,
  shopifyOrderWebhookFixture,
  signShopifyWebhook,
  startFakeShopify,
  type FakeShopify,
} from './fake-shopify';

const API_KEY = '8f3c2a9e1b7d4f60a5e2c7b91d3f4a6e';
const API_SECRET = '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';
const API_VERSION = ApiVersion.July26;
const ORDER_ID = 'gid://shopify/Order/450789469';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15';
const TEST_DIR = join(__dirname, '..', '..');
/** In-process library config for what needs no outbound TLS (sanitizeShop, webhooks.validate). */
const LIBRARY_CONFIG = {
  apiKey: API_KEY,
  apiSecretKey: API_SECRET,
  apiVersion: API_VERSION,
  hostName: 'app.passmint.test',
  isEmbeddedApp: false,
  logger: { level: LogSeverity.Error },
};

const ORDER_QUERY = `#graphql
  query PassmintOrder($id: ID!) {
    order(id: $id) {
      id name legacyResourceId email createdAt updatedAt cancelledAt cancelReason
      displayFinancialStatus displayFulfillmentStatus currencyCode
      totalPriceSet { shopMoney { amount currencyCode } }
      customer { id firstName lastName email }
      lineItems(first: 50) { nodes { title quantity } }
      fulfillments { trackingInfo { company number url } }
    }
  }`;

const METAFIELDS_SET = `#graphql
  mutation SetPassMetafields($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields { id namespace key type value ownerType }
      userErrors { field message code }
    }
  }`;

/**
 * A minimal Shopify app, run as a child process: `@shopify/shopify-api` with the Node adapter, configured from its
 * environment the way a deployed app would be. The only concessions to the fake are configuration: the shop
 * (`127.0.0.1:<port>`) with its `domainTransformations` entry, and NODE_EXTRA_CA_CERTS, which Node reads at start-up.
 */
const APP_HARNESS = String.raw`
const http = require('node:http');
require('@shopify/shopify-api/adapters/node');
const { shopifyApi, LogSeverity, Session } = require('@shopify/shopify-api');

const env = process.env;
const shop = env.SHOPIFY_SHOP;
const shopPattern = new RegExp('^' + shop.replace(/\./g, '\\.').replace(':', '\\x3a') + '$');
const shopify = shopifyApi({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: env.SHOPIFY_API_VERSION,
  hostName: 'app.passmint.test',
  isEmbeddedApp: false,
  scopes: ['read_orders', 'write_orders'],
  logger: { level: LogSeverity.Error },
  domainTransformations: [{ match: shopPattern, transform: shop }],
});

let session;
const describe = (error) => ({
  name: error.constructor.name,
  message: error.message,
  cause: error.cause ? String(error.cause.message || error.cause) : undefined,
  code: error.response && typeof error.response.code === 'number' ? error.response.code : undefined,
  body: error.response && error.response.body !== undefined ? error.response.body : error.body,
});
const readBody = (req) => new Promise((resolve) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
});

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    if (url.pathname === '/auth') {
      await shopify.auth.begin({ shop: url.searchParams.get('shop'), callbackPath: '/auth/callback', isOnline: false, rawRequest: req, rawResponse: res });
      return;
    }
    if (url.pathname === '/auth/callback') {
      session = (await shopify.auth.callback({ rawRequest: req, rawResponse: res })).session;
      return reply(200, session.toObject());
    }
    const body = JSON.parse((await readBody(req)) || '{}');
    if (url.pathname === '/client-credentials') {
      session = (await shopify.auth.clientCredentials({ shop })).session;
      return reply(200, session.toObject());
    }
    if (url.pathname === '/graphql') {
      const using = body.accessToken ? new Session({ id: 'offline_' + shop, shop, state: '', isOnline: false, accessToken: body.accessToken }) : session;
      const response = await new shopify.clients.Graphql({ session: using }).request(body.query, { variables: body.variables });
      return reply(200, { data: response.data, extensions: response.extensions });
    }
    reply(404, {});
  } catch (error) {
    reply(500, { error: describe(error) });
  }
});
server.listen(0, '127.0.0.1', () => process.stdout.write('READY ' + server.address().port + '\n'));
`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

interface App {
  url: string;
  child: ChildProcess;
  call(path: string, body?: object): Promise<Record<string, unknown>>;
}

let fake: FakeShopify;
let dataDir: string;
let caFile: string;

beforeAll(async () => {
  fake = await startFakeShopify({ apiKey: API_KEY, apiSecretKey: API_SECRET });
  dataDir = mkdtempSync(join(tmpdir(), 'fake-shopify-'));
  caFile = join(dataDir, 'shopify-ca.pem');
  writeFileSync(caFile, fake.caPem);
});

afterAll(async () => {
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A request straight to a fake (default the shared one), trusting its CA for this request only. */
function fakeRequest(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
  target = fake,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `https://${target.shop}${path}`,
      { method: init.method ?? 'GET', headers: init.headers, ca: target.caPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON (a redirect, an HTML error page)
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function graphql(
  query: string,
  variables?: object,
  options: { token?: string; version?: string; target?: FakeShopify } = {},
): Promise<Reply> {
  const target = options.target ?? fake;
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': options.token ?? target.accessToken },
    body: JSON.stringify({ query, variables }),
  };
  return fakeRequest(`/admin/api/${options.version ?? API_VERSION}/graphql.json`, init, target);
}

function postToken(params: Record<string, string>, form = false): Promise<Reply> {
  return fakeRequest('/admin/oauth/access_token', {
    method: 'POST',
    headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
    body: form ? new URLSearchParams(params).toString() : JSON.stringify(params),
  });
}

async function startApp(trustFakeCa: boolean): Promise<App> {
  const { NODE_EXTRA_CA_CERTS: _inherited, ...env } = process.env;
  const child = spawn(process.execPath, ['-e', APP_HARNESS], {
    cwd: TEST_DIR,
    env: {
      ...env,
      ...(trustFakeCa ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
      SHOPIFY_API_KEY: API_KEY,
      SHOPIFY_API_SECRET: API_SECRET,
      SHOPIFY_API_VERSION: API_VERSION,
      SHOPIFY_SHOP: fake.shop,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /READY (\d+)/.exec(stdout);
      if (match !== null) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`app harness exited with ${String(code)}: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    call: async (path, body = {}) => {
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await response.json()) as Record<string, unknown>;
    },
  };
}

function stopApp(app: App | undefined): Promise<void> {
  if (app === undefined || app.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    app.child.once('exit', () => resolve());
    app.child.kill();
  });
}

describe('configuring @shopify/shopify-api 13.x for the fake', () => {
  test('the fake serves exactly the API versions the installed library knows', () => {
    expect([...SHOPIFY_API_VERSIONS]).toEqual(Object.values(ApiVersion));
  });

  test('sanitizeShop accepts 127.0.0.1:<port> only through the domainTransformations entry', () => {
    const plain = shopifyApi(LIBRARY_CONFIG);
    const configured = shopifyApi({ ...LIBRARY_CONFIG, domainTransformations: [fake.domainTransformation] });
    expect(plain.utils.sanitizeShop(fake.shop)).toBeNull();
    expect(configured.utils.sanitizeShop(fake.shop)).toBe(fake.shop);
    const port = fake.shop.split(':')[1] ?? '';
    expect(configured.utils.sanitizeShop(`localhost:${port}`)).toBeNull();
    expect(configured.utils.sanitizeShop(`127.0.0.1:1${port}`)).toBeNull();
    expect(configured.utils.sanitizeShop('passmint-test.myshopify.com')).toBe('passmint-test.myshopify.com');
  });
});

describe('the real library against the fake (child process trusting the CA through NODE_EXTRA_CA_CERTS)', () => {
  let app: App | undefined;

  beforeAll(async () => {
    app = await startApp(true);
  });

  afterAll(() => stopApp(app));

  function theApp(): App {
    if (app === undefined) throw new Error('app harness not started');
    return app;
  }

  test('clientCredentials returns an offline session with the issued token, valid for 24 hours', async () => {
    const session = await theApp().call('/client-credentials');
    expect(session).toMatchObject({
      shop: fake.shop,
      isOnline: false,
      accessToken: fake.accessToken,
      scope: 'read_orders,write_orders',
      id: `offline_${fake.shop}`,
    });
    const expiresIn = (Date.parse(String(session['expires'])) - Date.now()) / 1000;
    expect(expiresIn).toBeGreaterThan(SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN - 60);
    expect(expiresIn).toBeLessThanOrEqual(SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN);
    expect(fake.calls.at(-1)).toEqual({ method: 'POST', path: '/admin/oauth/access_token', operation: 'client_credentials', status: 200 });
  });

  test('the GraphQL client reads an order and sets metafields that the fake then holds', async () => {
    await theApp().call('/client-credentials');
    const read = await theApp().call('/graphql', { query: ORDER_QUERY, variables: { id: ORDER_ID } });
    const order = (read['data'] as { order: Record<string, unknown> }).order;
    expect(order).toEqual({
      id: ORDER_ID,
      name: '#1001',
      legacyResourceId: '450789469',
      email: 'bob.norman@example.com',
      createdAt: '2026-11-20T15:15:30Z',
      updatedAt: '2026-11-21T09:02:11Z',
      cancelledAt: null,
      cancelReason: null,
      displayFinancialStatus: 'PAID',
      displayFulfillmentStatus: 'FULFILLED',
      currencyCode: 'USD',
      totalPriceSet: { shopMoney: { amount: '97.2', currencyCode: 'USD' } },
      customer: { id: 'gid://shopify/Customer/207119551', firstName: 'Bob', lastName: 'Norman', email: 'bob.norman@example.com' },
      lineItems: { nodes: [{ title: 'Harbour Lights Festival – Weekend Pass', quantity: 2 }] },
      fulfillments: [
        {
          trackingInfo: [
            { company: 'UPS', number: '1Z2345678901234567', url: 'https://www.ups.com/track?loc=en_US&tracknum=1Z2345678901234567' },
          ],
        },
      ],
    });

    const metafields = [
      { ownerId: ORDER_ID, namespace: 'passmint', key: 'pass_url', type: 'url', value: 'https://passes.example.com/p/abc123' },
      { ownerId: ORDER_ID, namespace: 'passmint', key: 'serial', type: 'single_line_text_field', value: 'PM-1001' },
    ];
    const set = await theApp().call('/graphql', { query: METAFIELDS_SET, variables: { metafields } });
    const payload = (set['data'] as { metafieldsSet: { metafields: Record<string, unknown>[]; userErrors: unknown[] } }).metafieldsSet;
    expect(payload.userErrors).toEqual([]);
    expect(payload.metafields).toHaveLength(2);
    expect(payload.metafields[0]).toMatchObject({ namespace: 'passmint', key: 'pass_url', type: 'url', ownerType: 'ORDER' });
    expect(payload.metafields[0]?.['id']).toMatch(/^gid:\/\/shopify\/Metafield\/\d+$/);
    expect(fake.metafields.get(ORDER_ID)).toEqual(metafields.map(({ ownerId: _owner, ...rest }) => rest));
    expect(fake.calls.filter((c) => c.path.endsWith('/graphql.json')).slice(-2)).toEqual([
      { method: 'POST', path: `/admin/api/${API_VERSION}/graphql.json`, operation: 'order', status: 200 },
      { method: 'POST', path: `/admin/api/${API_VERSION}/graphql.json`, operation: 'metafieldsSet', status: 200 },
    ]);
  });

  test('invalid metafield input comes back as userErrors, not as an exception', async () => {
    await theApp().call('/client-credentials');
    const set = await theApp().call('/graphql', {
      query: METAFIELDS_SET,
      variables: { metafields: [{ ownerId: ORDER_ID, namespace: 'passmint', key: 'x', type: 'single_line_text_field', value: 'a' }] },
    });
    expect(set['data']).toEqual({
      metafieldsSet: {
        metafields: [],
        userErrors: [{ field: ['metafields', '0', 'key'], message: 'Key is too short (minimum is 2 characters)', code: 'TOO_SHORT' }],
      },
    });
  });

  test('a wrong access token makes the library throw HttpResponseError with the 401', async () => {
    const result = await theApp().call('/graphql', {
      query: ORDER_QUERY,
      variables: { id: ORDER_ID },
      accessToken: 'shpat_00000000000000000000000000000000',
    });
    expect(result['error']).toMatchObject({ name: 'HttpResponseError', code: 401 });
    expect(String((result['error'] as { message: string }).message)).toContain(
      'Received an error response (401 Unauthorized) from Shopify',
    );
    expect(fake.calls.at(-1)).toMatchObject({ path: `/admin/api/${API_VERSION}/graphql.json`, status: 401 });
  });

  test('a GraphQL error (unsupported field) makes the library throw GraphqlQueryError', async () => {
    await theApp().call('/client-credentials');
    const result = await theApp().call('/graphql', { query: '{ shop { name } }' });
    expect(result['error']).toMatchObject({ name: 'GraphqlQueryError' });
    expect(String((result['error'] as { message: string }).message)).toContain("Field 'shop' doesn't exist on type 'QueryRoot'");
  });

  test('auth.begin redirects to the fake, which redirects back signed; auth.callback exchanges the code once', async () => {
    const begin = await fetch(`${theApp().url}/auth?shop=${encodeURIComponent(fake.shop)}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER },
    });
    expect(begin.status).toBe(302);
    const authorize = new URL(begin.headers.get('location') ?? '');
    expect(`${authorize.protocol}//${authorize.host}${authorize.pathname}`).toBe(`https://${fake.shop}/admin/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      client_id: API_KEY,
      // AuthScopes drops a read scope its write scope implies.
      scope: 'write_orders',
      redirect_uri: 'https://app.passmint.test/auth/callback',
    });
    const cookie = begin.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');

    const approved = await fakeRequest(`${authorize.pathname}${authorize.search}`);
    expect(approved.status).toBe(302);
    const callback = new URL(String(approved.headers.location));
    expect(callback.origin + callback.pathname).toBe('https://app.passmint.test/auth/callback');
    expect([...callback.searchParams.keys()].sort()).toEqual(['code', 'hmac', 'host', 'shop', 'state', 'timestamp']);
    expect(callback.searchParams.get('state')).toBe(authorize.searchParams.get('state'));

    const complete = (): Promise<Response> =>
      fetch(`${theApp().url}/auth/callback${callback.search}`, { headers: { 'user-agent': BROWSER, cookie } });
    const done = (await (await complete()).json()) as Record<string, unknown>;
    expect(done).toMatchObject({ shop: fake.shop, isOnline: false, accessToken: fake.accessToken, scope: 'write_orders' });
    expect(fake.calls.at(-1)).toEqual({ method: 'POST', path: '/admin/oauth/access_token', operation: 'authorization_code', status: 200 });

    const replay = (await (await complete()).json()) as { error: Record<string, unknown> };
    expect(replay.error).toMatchObject({
      name: 'HttpResponseError',
      code: 400,
      body: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' },
    });
  });

  test('a tampered OAuth redirect is refused by the library before any token request', async () => {
    const begin = await fetch(`${theApp().url}/auth?shop=${encodeURIComponent(fake.shop)}`, {
      redirect: 'manual',
      headers: { 'user-agent': BROWSER },
    });
    const authorize = new URL(begin.headers.get('location') ?? '');
    const cookie = begin.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const approved = await fakeRequest(`${authorize.pathname}${authorize.search}`);
    const callback = new URL(String(approved.headers.location));
    callback.searchParams.set('code', 'a'.repeat(32));
    const callsBefore = fake.calls.length;
    const result = (await (
      await fetch(`${theApp().url}/auth/callback${callback.search}`, { headers: { 'user-agent': BROWSER, cookie } })
    ).json()) as {
      error: Record<string, unknown>;
    };
    expect(result.error).toMatchObject({ name: 'InvalidOAuthError' });
    expect(fake.calls.length).toBe(callsBefore);
  });
});

describe('TLS trust is real', () => {
  let app: App | undefined;

  afterAll(() => stopApp(app));

  test('without NODE_EXTRA_CA_CERTS the library cannot reach the fake', async () => {
    app = await startApp(false);
    const result = await app.call('/client-credentials');
    expect(result['error']).toMatchObject({ message: 'fetch failed' });
    expect(String((result['error'] as { cause: string }).cause)).toMatch(/certificate/);
  });
});

describe('the OAuth token endpoint, driven directly', () => {
  test('client_credentials answers as Shopify does, for a JSON or a form body', async () => {
    const params = { client_id: API_KEY, client_secret: API_SECRET, grant_type: 'client_credentials' };
    for (const form of [false, true]) {
      const reply = await postToken(params, form);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        access_token: fake.accessToken,
        scope: 'read_orders,write_orders',
        expires_in: SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN,
      });
    }
  });

  test('a wrong secret, an unknown client, a missing grant field or an unknown grant type is a 400', async () => {
    const wrongSecret = await postToken({ client_id: API_KEY, client_secret: 'shpss_wrong', grant_type: 'client_credentials' });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.json['error']).toBe('invalid_client');
    expect(
      (await postToken({ client_id: 'someone-else', client_secret: API_SECRET, grant_type: 'client_credentials' })).json['error'],
    ).toBe('invalid_client');
    const unknownGrant = await postToken({ client_id: API_KEY, client_secret: API_SECRET, grant_type: 'password' });
    expect(unknownGrant).toMatchObject({ status: 400, json: { error: 'unsupported_grant_type' } });
    const noCode = await postToken({ client_id: API_KEY, client_secret: API_SECRET });
    expect(noCode).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
    const unknownCode = await postToken({ client_id: API_KEY, client_secret: API_SECRET, code: 'deadbeef' });
    expect(unknownCode).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' },
    });
    const textBody = await fakeRequest('/admin/oauth/access_token', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'client_id=x',
    });
    expect(textBody.json['error']).toBe('invalid_client');
  });

  test('authorize refuses another app, a missing redirect_uri, an unconfigured scope and online (per-user) access', async () => {
    const redirect = encodeURIComponent('https://app.passmint.test/auth/callback');
    expect((await fakeRequest(`/admin/oauth/authorize?client_id=${API_KEY}&redirect_uri=${redirect}&scope=write_products`)).status).toBe(
      400,
    );
    expect((await fakeRequest(`/admin/oauth/authorize?client_id=other&redirect_uri=${redirect}`)).status).toBe(400);
    expect((await fakeRequest(`/admin/oauth/authorize?client_id=${API_KEY}`)).status).toBe(400);
    expect(
      (await fakeRequest(`/admin/oauth/authorize?client_id=${API_KEY}&redirect_uri=${redirect}&grant_options[]=per-user`)).status,
    ).toBe(400);
  });
});

describe('the Admin GraphQL endpoint, driven directly', () => {
  test('refuses a missing or wrong token with Shopify’s 401 body, an unknown version with 404, a non-JSON body with 400', async () => {
    const wrong = await graphql('{ __typename }', undefined, { token: 'shpat_wrong' });
    expect(wrong).toMatchObject({
      status: 401,
      json: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
    });
    const missing = await fakeRequest(`/admin/api/${API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    });
    expect(missing.status).toBe(401);
    expect((await graphql('{ __typename }', undefined, { version: '2023-01' })).status).toBe(404);
    expect((await graphql('{ __typename }', undefined, { version: '2026-13' })).status).toBe(404);
    const text = await fakeRequest(`/admin/api/${API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-shopify-access-token': fake.accessToken },
      body: '{ __typename }',
    });
    expect(text).toMatchObject({ status: 400, json: { errors: { query: 'Required parameter missing or invalid' } } });
  });

  test('answers only the selected fields, with aliases, fragments, __typename and derived edges', async () => {
    const reply = await graphql(
      `
        query ($id: ID!, $withCustomer: Boolean!) {
          o: order(id: $id) {
            __typename
            name
            ...Money
            customer @include(if: $withCustomer) {
              firstName
            }
            lineItems(first: 1) {
              edges {
                node {
                  quantity
                }
              }
              pageInfo {
                hasNextPage
              }
            }
          }
        }
        fragment Money on Order {
          totalPriceSet {
            shopMoney {
              amount
            }
          }
        }
      `,
      { id: ORDER_ID, withCustomer: false },
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['x-shopify-api-version']).toBe(API_VERSION);
    expect(reply.json['data']).toEqual({
      o: {
        __typename: 'Order',
        name: '#1001',
        totalPriceSet: { shopMoney: { amount: '97.2' } },
        lineItems: { edges: [{ node: { quantity: 2 } }], pageInfo: { hasNextPage: false } },
      },
    });
    expect(reply.json['extensions']).toMatchObject({ cost: { throttleStatus: { maximumAvailable: 2000 } } });
  });

  test('an unknown order is null; a malformed id, an unknown field, a connection without first or a syntax error is an error', async () => {
    expect((await graphql('query ($id: ID!) { order(id: $id) { id } }', { id: 'gid://shopify/Order/1' })).json).toMatchObject({
      data: { order: null },
    });
    const badId = await graphql('{ order(id: "450789469") { id } }');
    expect(badId.json).toMatchObject({ data: { order: null }, errors: [{ message: "Invalid global id '450789469'" }] });
    const unknownField = await graphql('query ($id: ID!) { order(id: $id) { id noSuchField } }', { id: ORDER_ID });
    expect(unknownField.json).toEqual({
      errors: [expect.objectContaining({ message: "Field 'noSuchField' doesn't exist on type 'Order'", path: ['order', 'noSuchField'] })],
    });
    const noFirst = await graphql('query ($id: ID!) { order(id: $id) { lineItems { nodes { title } } } }', { id: ORDER_ID });
    expect(noFirst.json).toEqual({ errors: [expect.objectContaining({ message: 'you must provide one of first or last' })] });
    const missingVariable = await graphql('query ($id: ID!) { order(id: $id) { id } }', {});
    expect(missingVariable.json).toEqual({
      errors: [expect.objectContaining({ message: 'Variable $id of type ID! was provided invalid value' })],
    });
    const syntax = await graphql('{ order(id: "x") { id }');
    expect(String((syntax.json['errors'] as { message: string }[])[0]?.message)).toMatch(
      /^syntax error, unexpected end of file at \[1, \d+\]$/,
    );
    const mutation = await graphql('mutation { orderCancel(orderId: "gid://shopify/Order/1") { job { id } } }');
    expect(mutation.json).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining("Field 'orderCancel' doesn't exist on type 'Mutation'") })],
    });
  });

  test("a line item's product needs read_products: ACCESS_DENIED without it, the product type and tags with it", async () => {
    const query = 'query ($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { id product { productType tags } } } } }';
    const denied = await graphql(query, { id: ORDER_ID });
    expect(denied.json).toMatchObject({
      errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'ACCESS_DENIED' }) })],
    });
    const local = await startFakeShopify({
      apiKey: API_KEY,
      apiSecretKey: API_SECRET,
      scopes: ['read_orders', 'write_orders', 'read_products'],
    });
    try {
      const granted = await graphql(query, { id: ORDER_ID }, { target: local });
      expect(granted.json).toMatchObject({
        data: { order: { lineItems: { nodes: [{ product: { productType: 'Festival Pass', tags: ['festival', 'ticket'] } }] } } },
      });
      // A product's metafields; a json one's jsonValue is a scalar, answered whole.
      local.metafields.set('gid://shopify/Product/632910392', [
        { namespace: 'passmint', key: 'event', type: 'json', value: '{"venue":{"name":"Pier"}}' },
      ]);
      const withEvent = await graphql(
        'query ($id: ID!) { order(id: $id) { lineItems(first: 1) { nodes { product { e: metafield(namespace: "passmint", key: "event") { jsonValue } } } } } }',
        { id: ORDER_ID },
        { target: local },
      );
      expect(withEvent.json).toMatchObject({
        data: { order: { lineItems: { nodes: [{ product: { e: { jsonValue: { venue: { name: 'Pier' } } } } }] } } },
      });
      const selected = await graphql(
        'query ($id: ID!) { order(id: $id) { lineItems(first: 1) { nodes { product { metafield(namespace: "passmint", key: "event") { jsonValue { venue } } } } } } }',
        { id: ORDER_ID },
        { target: local },
      );
      expect(selected.json).toMatchObject({
        errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'selectionMismatch' }) })],
      });
    } finally {
      await local.stop();
    }
  });

  test('metafieldsSet validates every input, is atomic, and allows at most 25 per call', async () => {
    const owner = 'gid://shopify/Order/450789470';
    const local = await startFakeShopify({
      apiKey: API_KEY,
      apiSecretKey: API_SECRET,
      orders: [shopifyOrderNodeFixture({ id: owner, name: '#1002' })],
    });
    try {
      const set = (metafields: unknown): Promise<Reply> => graphql(METAFIELDS_SET, { metafields }, { target: local });
      const input = { ownerId: owner, namespace: 'passmint', key: 'serial', type: 'single_line_text_field', value: 'PM-1002' };
      const invalid = await set([
        input,
        { ...input, key: 'k' },
        { ...input, namespace: 'pm' },
        { ...input, namespace: 'pass mint' },
        { ...input, key: 'pass_url', type: 'url', value: 'not a url' },
        { ...input, value: 'two\nlines' },
        { ownerId: owner, namespace: 'passmint', key: 'untyped', value: 'x' },
        { ...input, type: 'money_bag' },
        { ...input, ownerId: 'gid://shopify/Order/1' },
      ]);
      const payload = (
        invalid.json['data'] as { metafieldsSet: { metafields: unknown[]; userErrors: { field: string[]; code: string }[] } }
      ).metafieldsSet;
      expect(payload.metafields).toEqual([]);
      expect(payload.userErrors.map((e) => [e.field.join('.'), e.code])).toEqual([
        ['metafields.1.key', 'TOO_SHORT'],
        ['metafields.2.namespace', 'TOO_SHORT'],
        ['metafields.3.namespace', 'INVALID'],
        ['metafields.4.value', 'INVALID_VALUE'],
        ['metafields.5.value', 'INVALID_VALUE'],
        ['metafields.6.type', 'BLANK'],
        ['metafields.7.type', 'INVALID_TYPE'],
        ['metafields.8.ownerId', 'INVALID'],
      ]);
      expect(local.metafields.size).toBe(0);

      const missingValue = await set([{ ownerId: owner, key: 'serial', type: 'single_line_text_field' }]);
      expect(missingValue.json).toEqual({
        errors: [
          expect.objectContaining({
            message:
              'Variable $metafields of type [MetafieldsSetInput!]! was provided invalid value for 0.value (Expected value to not be null)',
            extensions: expect.objectContaining({ code: 'INVALID_VARIABLE' }),
          }),
        ],
      });

      const tooMany = await set(Array.from({ length: 26 }, (_, i) => ({ ...input, key: `key_${i}` })));
      expect(tooMany.json).toMatchObject({
        data: { metafieldsSet: null },
        errors: [
          {
            message: 'The input array size of 26 is greater than the maximum allowed of 25.',
            extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
          },
        ],
      });

      const ok = await set([input, { ownerId: owner, namespace: '$app', key: 'issued', type: 'boolean', value: 'true' }]);
      expect((ok.json['data'] as { metafieldsSet: { userErrors: unknown[] } }).metafieldsSet.userErrors).toEqual([]);
      expect(local.metafields.get(owner)).toEqual([
        { namespace: 'passmint', key: 'serial', type: 'single_line_text_field', value: 'PM-1002' },
        { namespace: 'app--4242424242', key: 'issued', type: 'boolean', value: 'true' },
      ]);
      await set([{ ...input, value: 'PM-1002-B' }]);
      expect(local.metafields.get(owner)?.[0]?.value).toBe('PM-1002-B');
    } finally {
      await local.stop();
    }
  });
});

describe('webhooks: signShopifyWebhook and deliverShopifyWebhook against shopify.webhooks.validate', () => {
  const shopify = shopifyApi(LIBRARY_CONFIG);
  const results: WebhookValidation[] = [];
  let receiver: http.Server;
  let receiverUrl: string;

  beforeAll(async () => {
    receiver = http.createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        shopify.webhooks
          .validate({ rawBody: Buffer.concat(chunks).toString('utf8'), rawRequest: req, rawResponse: res })
          .then((result) => {
            results.push(result);
            res.writeHead(result.valid ? 200 : 401).end();
          })
          .catch(() => res.writeHead(500).end());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
  });

  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const delivery = { topic: 'orders/create', shop: 'passmint-test.myshopify.com', apiSecretKey: API_SECRET, apiVersion: API_VERSION };

  test('a signed delivery validates, with every header read back', async () => {
    const body = shopifyOrderWebhookFixture({ fulfillment_status: null, fulfillments: [] });
    const triggeredAt = '2026-11-20T15:15:31.482Z';
    const reply = await deliverShopifyWebhook(receiverUrl, { ...delivery, body, eventId: 'e-1', webhookId: 'w-1', triggeredAt });
    expect(reply.status).toBe(200);
    expect(results.at(-1)).toEqual({
      valid: true,
      webhookType: 'webhooks',
      topic: 'ORDERS_CREATE',
      domain: 'passmint-test.myshopify.com',
      apiVersion: API_VERSION,
      webhookId: 'w-1',
      eventId: 'e-1',
      triggeredAt,
      hmac: signShopifyWebhook(JSON.stringify(body), API_SECRET),
    });
  });

  test('a retry keeps the event id and gets a new webhook id', async () => {
    const body = shopifyOrderWebhookFixture();
    await deliverShopifyWebhook(receiverUrl, { ...delivery, body, eventId: 'e-retry' });
    await deliverShopifyWebhook(receiverUrl, { ...delivery, body, eventId: 'e-retry' });
    const [first, second] = results.slice(-2).map((result) => (result.valid ? result : undefined));
    expect([first?.eventId, second?.eventId]).toEqual(['e-retry', 'e-retry']);
    expect(first?.webhookId).not.toBe(second?.webhookId);
  });

  test('a tampered body, a foreign secret or a missing required header is refused', async () => {
    const body = shopifyOrderWebhookFixture();
    const tampered = signShopifyWebhook(JSON.stringify({ ...body, total_price: '0.01' }), API_SECRET);
    expect((await deliverShopifyWebhook(receiverUrl, { ...delivery, body, hmac: tampered })).status).toBe(401);
    expect(results.at(-1)).toEqual({ valid: false, reason: 'invalid_hmac' });
    expect((await deliverShopifyWebhook(receiverUrl, { ...delivery, body, apiSecretKey: 'shpss_someone_else' })).status).toBe(401);
    expect(results.at(-1)).toEqual({ valid: false, reason: 'invalid_hmac' });

    const rawBody = JSON.stringify(body);
    const response = await fetch(receiverUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-hmac-sha256': signShopifyWebhook(rawBody, API_SECRET),
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': 'passmint-test.myshopify.com',
        'x-shopify-api-version': API_VERSION,
      },
      body: rawBody,
    });
    expect(response.status).toBe(401);
    expect(results.at(-1)).toEqual({ valid: false, reason: 'missing_headers', missingHeaders: ['X-Shopify-Webhook-Id'] });
  });
});

describe('fixtures', () => {
  test('are deep copies with top-level overrides', () => {
    const node = shopifyOrderNodeFixture({ name: '#2002' });
    node.lineItems.nodes[0]!.quantity = 99;
    expect(node.name).toBe('#2002');
    expect(shopifyOrderNodeFixture().lineItems.nodes[0]?.quantity).toBe(2);
    const hook = shopifyOrderWebhookFixture();
    hook.line_items[0]!.quantity = 99;
    expect(shopifyOrderWebhookFixture().line_items[0]?.quantity).toBe(2);
  });

  test('describe the same order in the GraphQL and the webhook shape', () => {
    const node = shopifyOrderNodeFixture();
    const hook = shopifyOrderWebhookFixture();
    expect(hook.admin_graphql_api_id).toBe(node.id);
    expect(String(hook.id)).toBe(node.legacyResourceId);
    expect(hook.name).toBe(node.name);
    expect(Date.parse(hook.created_at)).toBe(Date.parse(node.createdAt));
    expect(Number(hook.total_price)).toBe(Number(node.totalPriceSet.shopMoney.amount));
    expect(hook.fulfillments[0]?.tracking_number).toBe(node.fulfillments[0]?.trackingInfo[0]?.number);
  });
});
