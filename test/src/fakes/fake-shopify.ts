import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { shopifyOrderNodeFixture, type ShopifyOrderNode } from '../fixtures/shopify';
import { createTestTls } from './test-tls';
import { readBody } from './read-body';

export * from '../fixtures/shopify';

/**
 * A local stand-in for one Shopify store as an app sees it: the OAuth token endpoint (client-credentials and
 * authorization-code grants), the authorize redirect, and the Admin GraphQL API for `order` and `metafieldsSet`,
 * served over HTTPS on 127.0.0.1 and as strict as Shopify about what the app sends. Plus a webhook signer/sender.
 *
 * `@shopify/shopify-api` 13.x reaches it through configuration only: its shop must pass `sanitizeShop`, which in
 * 13.x (no more `customShopDomains`) accepts a host:port only through `domainTransformations` — see
 * {@link FakeShopify.domainTransformation} — and the process must trust {@link FakeShopify.caPem}
 * (NODE_EXTRA_CA_CERTS: the library fetches through Node's global fetch).
 *
 * @see https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 * @see https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 * @see https://shopify.dev/docs/api/admin-graphql/latest/queries/order
 * @see https://shopify.dev/docs/api/admin-graphql/latest/mutations/metafieldsSet
 * @see https://shopify.dev/docs/api/usage/access-scopes
 * @see https://shopify.dev/docs/apps/build/webhooks/delivery-structure
 * @see https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
 */

/** One stored metafield value. */
export interface ShopifyMetafield {
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface FakeShopifyOptions {
  /** The app's client id. */
  apiKey: string;
  /** The app's client secret: checked on token grants and used to sign OAuth redirects. */
  apiSecretKey: string;
  /** The offline token every grant issues and the GraphQL API accepts; default a random `shpat_…`. */
  accessToken?: string;
  /** The store's orders; default one `shopifyOrderNodeFixture()`. */
  orders?: ShopifyOrderNode[];
  /** Access scopes granted to the app; default `read_orders`, `write_orders`. */
  scopes?: string[];
  /** API versions served; any other answers 404. Default {@link SHOPIFY_API_VERSIONS}. */
  apiVersions?: string[];
  /** `redirect_uri`s the authorize endpoint accepts (the app's allowed redirection URLs); default any http(s) URL. */
  redirectUris?: string[];
  /** Numeric app id, used for the app-reserved metafield namespace `app--<appId>`; default 4242424242. */
  appId?: string;
}

export interface FakeShopifyCall {
  method: string;
  /** The path without the query string. */
  path: string;
  /** GraphQL: the root field(s) run, comma-separated; token endpoint: the grant type. */
  operation?: string;
  status: number;
}

export interface FakeShopify {
  /** The shop domain to configure: `127.0.0.1:<port>`, exactly what `session.shop` and webhook shop headers carry. */
  shop: string;
  /** The CA that issued the fake's certificate (SAN 127.0.0.1): trust it via NODE_EXTRA_CA_CERTS. */
  caPem: string;
  /** The token the fake issues and accepts. */
  accessToken: string;
  /**
   * The `domainTransformations` entry that lets `@shopify/shopify-api` 13.x accept {@link shop}. The library derives
   * the domains `sanitizeShop` allows from the regex's source text (`\.` followed by `[\\.\w-]+`), so the port's
   * colon is written `\x3a`; the identity transform keeps the shop unchanged, which matters because sessions
   * re-sanitize the shop they are created for.
   */
  domainTransformation: { match: RegExp; transform: string };
  /** Orders by GraphQL gid; edit to change what `order` returns. */
  orders: Map<string, ShopifyOrderNode>;
  /** Metafields by owner gid (orders, and products: set a product's to give it some), in the order first set. */
  metafields: Map<string, ShopifyMetafield[]>;
  /** Every request, in order. */
  calls: FakeShopifyCall[];
  stop(): Promise<void>;
}

/** The Admin API versions `@shopify/shopify-api` 13.1.0 knows (its `ApiVersion` enum). */
export const SHOPIFY_API_VERSIONS: readonly string[] = [
  '2024-10',
  '2025-01',
  '2025-04',
  '2025-07',
  '2025-10',
  '2026-01',
  '2026-04',
  '2026-07',
  'unstable',
];
/** Client-credentials tokens live 24 hours; Shopify answers one second less. */
export const SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN = 86399;
/** `metafieldsSet` takes at most this many inputs per call. */
export const SHOPIFY_METAFIELDS_SET_LIMIT = 25;
/** Largest accepted request body, bytes (Shopify's GraphQL payload limit). */
export const SHOPIFY_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Metafield types the fake validates; others answer INVALID_TYPE. */
export const SHOPIFY_METAFIELD_TYPES: readonly string[] = [
  'single_line_text_field',
  'multi_line_text_field',
  'url',
  'json',
  'boolean',
  'number_integer',
  'number_decimal',
  'date',
  'date_time',
  'color',
];

const INVALID_TOKEN_MESSAGE = '[API] Invalid API key or access token (unrecognized login or wrong password)';
const CODE_NOT_FOUND_MESSAGE = 'The authorization code was not found or was already used';
const DEFAULT_SCOPES = ['read_orders', 'write_orders'];
const GRAPHQL_PATH = /^\/admin\/api\/([^/]+)\/graphql\.json$/;
const GID_PATTERN = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)$/;
const HANDLE_PATTERN = /^[A-Za-z0-9_-]+$/;
const THROTTLE_MAXIMUM = 2000;

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
interface StoredMetafield {
  id: string;
  createdAt: string;
  updatedAt: string;
}
interface State {
  apiKey: string;
  apiSecretKey: string;
  accessToken: string;
  scopes: string[];
  apiVersions: Set<string>;
  redirectUris: string[] | undefined;
  appNamespace: string;
  shop: string;
  orders: Map<string, ShopifyOrderNode>;
  metafields: Map<string, ShopifyMetafield[]>;
  /** Ids and timestamps of stored metafields, by `${owner}|${namespace}|${key}`. */
  metafieldMeta: Map<string, StoredMetafield>;
  nextMetafieldId: number;
  /** Unused authorization codes and the scope each was granted. */
  codes: Map<string, string>;
  calls: FakeShopifyCall[];
}

/**
 * The `X-Shopify-Hmac-Sha256` value for `rawBody`: base64 HMAC-SHA256 keyed with the app's client secret.
 *
 * @see https://shopify.dev/docs/apps/build/webhooks/verify-deliveries
 */
export function signShopifyWebhook(rawBody: string, apiSecretKey: string): string {
  return createHmac('sha256', apiSecretKey).update(rawBody, 'utf8').digest('base64');
}

export interface ShopifyWebhookDelivery {
  /** e.g. 'orders/create'. */
  topic: string;
  /** The shop's domain, sent as X-Shopify-Shop-Domain. */
  shop: string;
  /** An object is sent as JSON; a string is sent byte for byte (ids past 2^53 survive only that way). */
  body: object | string;
  apiSecretKey: string;
  /** Default the newest stable version in {@link SHOPIFY_API_VERSIONS}. */
  apiVersion?: string;
  /** One per delivery attempt; default a fresh UUID. */
  webhookId?: string;
  /** One per event: pass the first attempt's value to send a retry. Default a fresh UUID. */
  eventId?: string;
  /** When the event happened (ISO 8601), unchanged across retries; default now. */
  triggeredAt?: string;
  /** Sent instead of the real signature, to test rejection. */
  hmac?: string;
}

/**
 * POSTs a webhook to `url` the way Shopify delivers one over HTTPS: the JSON body and its HMAC, topic, shop,
 * API version, webhook id, event id and trigger time headers.
 *
 * @see https://shopify.dev/docs/apps/build/webhooks/delivery-structure
 */
export async function deliverShopifyWebhook(url: string, delivery: ShopifyWebhookDelivery): Promise<{ status: number; body: string }> {
  const rawBody = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-Shopify-Topic': delivery.topic,
      'X-Shopify-Hmac-Sha256': delivery.hmac ?? signShopifyWebhook(rawBody, delivery.apiSecretKey),
      'X-Shopify-Shop-Domain': delivery.shop,
      'X-Shopify-API-Version': delivery.apiVersion ?? latestStableVersion(),
      'X-Shopify-Webhook-Id': delivery.webhookId ?? randomUUID(),
      'X-Shopify-Event-Id': delivery.eventId ?? randomUUID(),
      'X-Shopify-Triggered-At': delivery.triggeredAt ?? new Date().toISOString(),
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.text() };
}

/** Starts the fake over HTTPS on 127.0.0.1 with an ephemeral port and a fresh CA. */
export async function startFakeShopify(options: FakeShopifyOptions): Promise<FakeShopify> {
  const tls = createTestTls();
  const orders = options.orders ?? [shopifyOrderNodeFixture()];
  const state: State = {
    apiKey: options.apiKey,
    apiSecretKey: options.apiSecretKey,
    accessToken: options.accessToken ?? `shpat_${randomBytes(16).toString('hex')}`,
    scopes: options.scopes ?? DEFAULT_SCOPES,
    apiVersions: new Set(options.apiVersions ?? SHOPIFY_API_VERSIONS),
    redirectUris: options.redirectUris,
    appNamespace: `app--${options.appId ?? '4242424242'}`,
    shop: '',
    orders: new Map(orders.map((order) => [order.id, structuredClone(order)])),
    metafields: new Map(),
    metafieldMeta: new Map(),
    nextMetafieldId: 1069228935,
    codes: new Map(),
    calls: [],
  };
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    handleRequest(state, req, res).catch(() => send(res, { status: 500, body: { errors: 'Internal Server Error' } }));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.shop = `127.0.0.1:${port}`;
  return {
    shop: state.shop,
    caPem: tls.caPem,
    accessToken: state.accessToken,
    domainTransformation: { match: new RegExp(`^127\\.0\\.0\\.1\\x3a${port}$`), transform: state.shop },
    orders: state.orders,
    metafields: state.metafields,
    calls: state.calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleRequest(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', `https://${state.shop}`);
  const raw = await readBody(req, SHOPIFY_MAX_BODY_BYTES);
  const call: FakeShopifyCall = { method, path: url.pathname, status: 0 };
  let answer: Answer;
  const graphql = GRAPHQL_PATH.exec(url.pathname);
  if (raw === null) answer = { status: 413, body: { errors: 'Payload Too Large' } };
  else if (url.pathname === '/admin/oauth/access_token') answer = handleAccessToken(state, method, req.headers, raw, call);
  else if (url.pathname === '/admin/oauth/authorize') answer = handleAuthorize(state, method, url.searchParams);
  else if (graphql !== null) answer = handleGraphql(state, method, graphql[1] ?? '', req.headers, raw, call);
  else answer = { status: 404, body: { errors: 'Not Found' } };
  call.status = answer.status;
  state.calls.push(call);
  send(res, answer);
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const headers = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': randomUUID(), ...answer.headers };
  res.writeHead(answer.status, headers);
  res.end(answer.body === undefined ? undefined : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth

function handleAccessToken(state: State, method: string, headers: IncomingHttpHeaders, raw: Buffer, call: FakeShopifyCall): Answer {
  if (method !== 'POST') return oauthError(405, 'invalid_request', `Method ${method} not allowed; use POST.`);
  // Shopify documents a form body; @shopify/shopify-api sends JSON. Any other body leaves every parameter unset.
  const params = tokenParams(headers, raw);
  const grantType = params['grant_type'] ?? 'authorization_code';
  call.operation = grantType;
  if (params['client_id'] !== state.apiKey || !secretsEqual(params['client_secret'], state.apiSecretKey)) {
    return oauthError(400, 'invalid_client', 'Client authentication failed: unknown client_id or wrong client_secret.');
  }
  const scope = state.scopes.join(',');
  if (grantType === 'client_credentials') {
    return { status: 200, body: { access_token: state.accessToken, scope, expires_in: SHOPIFY_CLIENT_CREDENTIALS_EXPIRES_IN } };
  }
  if (grantType !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', `The grant type ${grantType} is not supported.`);
  const code = params['code'];
  if (code === undefined || code === '') return oauthError(400, 'invalid_request', 'Missing required parameter: code');
  const granted = state.codes.get(code);
  if (granted === undefined) return oauthError(400, 'invalid_request', CODE_NOT_FOUND_MESSAGE);
  state.codes.delete(code);
  return { status: 200, body: { access_token: state.accessToken, scope: granted } };
}

/**
 * The install redirect: approves at once, as a merchant clicking Install would, granting the requested scopes if the
 * fake app is configured for them.
 */
function handleAuthorize(state: State, method: string, query: URLSearchParams): Answer {
  if (method !== 'GET') return htmlError(405, 'Method not allowed');
  if (query.get('client_id') !== state.apiKey) return htmlError(400, 'Oauth error invalid_request: The client_id is invalid.');
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!isHttpUrl(redirectUri) || (state.redirectUris !== undefined && !state.redirectUris.includes(redirectUri))) {
    return htmlError(400, 'Oauth error invalid_request: The redirect_uri is missing or not whitelisted');
  }
  if ((query.get('grant_options[]') ?? '') !== '') {
    return htmlError(400, 'Oauth error invalid_request: the fake Shopify issues offline (per-shop) tokens only');
  }
  const requested = (query.get('scope') ?? '')
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  const refused = requested.find((scope) => !hasScope(state, scope));
  if (refused !== undefined) return htmlError(400, `Oauth error invalid_scope: the app is not configured for ${refused}`);
  const code = randomBytes(16).toString('hex');
  state.codes.set(code, requested.length > 0 ? requested.join(',') : state.scopes.join(','));
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`${state.shop}/admin`).toString('base64url'),
    shop: state.shop,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const requestState = query.get('state');
  if (requestState !== null) params['state'] = requestState;
  const location = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) location.searchParams.set(name, value);
  location.searchParams.set('hmac', oauthHmac(params, state.apiSecretKey));
  return { status: 302, body: undefined, headers: { location: location.toString() } };
}

/** Hex HMAC-SHA256 of the redirect's other parameters, sorted by name and form-encoded. */
function oauthHmac(params: Record<string, string>, secret: string): string {
  const sorted = new URLSearchParams(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHmac('sha256', secret).update(sorted.toString()).digest('hex');
}

function tokenParams(headers: IncomingHttpHeaders, raw: Buffer): Record<string, string> {
  const type = mediaType(headers);
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  if (type !== 'application/json') return {};
  const parsed = parseJson(raw.toString('utf8'));
  if (!isRecord(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function oauthError(status: number, error: string, description: string): Answer {
  return { status, body: { error, error_description: description } };
}

function htmlError(status: number, message: string): Answer {
  return {
    status,
    body: `<!DOCTYPE html><html><body><h1>${message}</h1></body></html>`,
    headers: { 'content-type': 'text/html; charset=utf-8' },
  };
}

function secretsEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

// ---------------------------------------------------------------------------------------------------------------
// Admin GraphQL endpoint

function handleGraphql(
  state: State,
  method: string,
  version: string,
  headers: IncomingHttpHeaders,
  raw: Buffer,
  call: FakeShopifyCall,
): Answer {
  if (!state.apiVersions.has(version)) return { status: 404, body: { errors: 'Not Found' } };
  const versionHeader = { 'x-shopify-api-version': version };
  if (method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed' }, headers: versionHeader };
  const token = headers['x-shopify-access-token'];
  if (typeof token !== 'string' || !secretsEqual(token, state.accessToken)) {
    return { status: 401, body: { errors: INVALID_TOKEN_MESSAGE }, headers: versionHeader };
  }
  const body = mediaType(headers) === 'application/json' ? parseJson(raw.toString('utf8')) : undefined;
  const query = isRecord(body) ? body['query'] : undefined;
  if (!isRecord(body) || typeof query !== 'string' || query.trim() === '') {
    return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } }, headers: versionHeader };
  }
  const given: unknown = body['variables'] ?? {};
  const variables = typeof given === 'string' ? parseJson(given) : given;
  const operationName = body['operationName'];
  if (!isRecord(variables) || (operationName !== undefined && operationName !== null && typeof operationName !== 'string')) {
    return { status: 400, body: { errors: { variables: 'Required parameter missing or invalid' } }, headers: versionHeader };
  }
  const result = executeGraphql(state, query, variables, typeof operationName === 'string' ? operationName : undefined);
  if (result.operation !== undefined) call.operation = result.operation;
  return { status: 200, body: result.body, headers: versionHeader };
}

// A small GraphQL front end: enough of the language (operations, variables, fragments, aliases, @skip/@include,
// literals) to run `order` and `metafieldsSet` and to answer only the fields the app selected.

interface Token {
  kind: 'punct' | 'name' | 'int' | 'float' | 'string' | 'eof';
  value: string;
  line: number;
  column: number;
}

type GqlValue =
  | { kind: 'variable'; name: string }
  | { kind: 'literal'; value: unknown }
  | { kind: 'list'; items: GqlValue[] }
  | { kind: 'object'; fields: [string, GqlValue][] };

interface GqlDirective {
  name: string;
  args: Map<string, GqlValue>;
}

interface GqlField {
  kind: 'field';
  alias: string | undefined;
  name: string;
  args: Map<string, GqlValue>;
  directives: GqlDirective[];
  selections: GqlSelection[] | undefined;
  line: number;
  column: number;
}

type GqlSelection =
  | GqlField
  | { kind: 'inline'; directives: GqlDirective[]; selections: GqlSelection[] }
  | { kind: 'spread'; name: string; directives: GqlDirective[] };

interface GqlVariableDefinition {
  name: string;
  type: string;
  defaultValue: GqlValue | undefined;
}

interface GqlOperation {
  type: string;
  name: string | undefined;
  variables: GqlVariableDefinition[];
  selections: GqlSelection[];
}

interface GqlDocument {
  operations: GqlOperation[];
  fragments: Map<string, GqlSelection[]>;
}

interface GqlError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Json;
}

class GraphqlSyntaxError extends Error {}

const PUNCTUATORS = '!$&()/:=@[]{|}';
const NAME = /[_A-Za-z][_0-9A-Za-z]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\n]|\\.)*"/y;

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const push = (kind: Token['kind'], value: string, start: number): void => {
    tokens.push({ kind, value, line, column: start - lineStart + 1 });
  };
  const sticky = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = i;
    return pattern.exec(source);
  };
  while (i < source.length) {
    const ch = source[i] ?? '';
    if (ch === '\n') {
      i += 1;
      line += 1;
      lineStart = i;
    } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === ',' || ch === '\uFEFF') {
      i += 1;
    } else if (ch === '#') {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (source.startsWith('...', i)) {
      push('punct', '...', i);
      i += 3;
    } else if (PUNCTUATORS.includes(ch)) {
      push('punct', ch, i);
      i += 1;
    } else if (source.startsWith('"""', i)) {
      const end = source.indexOf('"""', i + 3);
      if (end < 0) throw syntaxError('unterminated string', line, i - lineStart + 1);
      push('string', source.slice(i + 3, end).trim(), i);
      const text = source.slice(i, end + 3);
      const newlines = text.split('\n').length - 1;
      if (newlines > 0) {
        line += newlines;
        lineStart = i + text.lastIndexOf('\n') + 1;
      }
      i = end + 3;
    } else {
      const name = sticky(NAME) ?? undefined;
      const number = name === undefined ? (sticky(NUMBER) ?? undefined) : undefined;
      const string = name === undefined && number === undefined ? (sticky(STRING) ?? undefined) : undefined;
      if (name !== undefined) push('name', name[0], i);
      else if (number !== undefined) push(number[1] !== undefined || number[2] !== undefined ? 'float' : 'int', number[0], i);
      else if (string !== undefined) push('string', JSON.parse(string[0]) as string, i);
      else throw syntaxError(`unexpected invalid token ("${ch}")`, line, i - lineStart + 1);
      i += (name ?? number ?? string)?.[0].length ?? 1;
    }
  }
  tokens.push({ kind: 'eof', value: '', line, column: i - lineStart + 1 });
  return tokens;
}

function syntaxError(what: string, line: number, column: number): GraphqlSyntaxError {
  return new GraphqlSyntaxError(`syntax error, ${what} at [${line}, ${column}]`);
}

class GraphqlParser {
  private pos = 0;

  constructor(private readonly tokens: Token[]) {}

  document(): GqlDocument {
    const doc: GqlDocument = { operations: [], fragments: new Map() };
    while (this.peek().kind !== 'eof') {
      if (this.isPunct('{')) {
        doc.operations.push({ type: 'query', name: undefined, variables: [], selections: this.selectionSet() });
        continue;
      }
      const keyword = this.expectName();
      if (keyword.value === 'fragment') {
        const name = this.expectName().value;
        this.expectKeyword('on');
        this.expectName();
        this.directives();
        doc.fragments.set(name, this.selectionSet());
      } else if (keyword.value === 'query' || keyword.value === 'mutation' || keyword.value === 'subscription') {
        const name = this.peek().kind === 'name' ? this.next().value : undefined;
        const variables = this.isPunct('(') ? this.variableDefinitions() : [];
        this.directives();
        doc.operations.push({ type: keyword.value, name, variables, selections: this.selectionSet() });
      } else {
        throw this.unexpected(keyword);
      }
    }
    return doc;
  }

  private variableDefinitions(): GqlVariableDefinition[] {
    const definitions: GqlVariableDefinition[] = [];
    this.expectPunct('(');
    while (!this.isPunct(')')) {
      this.expectPunct('$');
      const name = this.expectName().value;
      this.expectPunct(':');
      const type = this.type();
      let defaultValue: GqlValue | undefined;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.value();
      }
      this.directives();
      definitions.push({ name, type, defaultValue });
    }
    this.next();
    return definitions;
  }

  private type(): string {
    let type: string;
    if (this.isPunct('[')) {
      this.next();
      type = `[${this.type()}]`;
      this.expectPunct(']');
    } else {
      type = this.expectName().value;
    }
    if (this.isPunct('!')) {
      this.next();
      type += '!';
    }
    return type;
  }

  private selectionSet(): GqlSelection[] {
    this.expectPunct('{');
    const selections: GqlSelection[] = [];
    do {
      selections.push(this.selection());
    } while (!this.isPunct('}'));
    this.next();
    return selections;
  }

  private selection(): GqlSelection {
    if (this.isPunct('...')) {
      this.next();
      const token = this.peek();
      if (token.kind === 'name' && token.value !== 'on') {
        this.next();
        return { kind: 'spread', name: token.value, directives: this.directives() };
      }
      if (token.kind === 'name') {
        this.next();
        this.expectName();
      }
      return { kind: 'inline', directives: this.directives(), selections: this.selectionSet() };
    }
    const first = this.expectName();
    let alias: string | undefined;
    let name = first.value;
    if (this.isPunct(':')) {
      this.next();
      alias = first.value;
      name = this.expectName().value;
    }
    const args = this.isPunct('(') ? this.arguments() : new Map<string, GqlValue>();
    const directives = this.directives();
    const selections = this.isPunct('{') ? this.selectionSet() : undefined;
    return { kind: 'field', alias, name, args, directives, selections, line: first.line, column: first.column };
  }

  private arguments(): Map<string, GqlValue> {
    const args = new Map<string, GqlValue>();
    this.expectPunct('(');
    do {
      const name = this.expectName().value;
      this.expectPunct(':');
      args.set(name, this.value());
    } while (!this.isPunct(')'));
    this.next();
    return args;
  }

  private directives(): GqlDirective[] {
    const directives: GqlDirective[] = [];
    while (this.isPunct('@')) {
      this.next();
      const name = this.expectName().value;
      directives.push({ name, args: this.isPunct('(') ? this.arguments() : new Map() });
    }
    return directives;
  }

  private value(): GqlValue {
    const token = this.next();
    if (token.kind === 'punct' && token.value === '$') return { kind: 'variable', name: this.expectName().value };
    if (token.kind === 'int' || token.kind === 'float') return { kind: 'literal', value: Number(token.value) };
    if (token.kind === 'string') return { kind: 'literal', value: token.value };
    if (token.kind === 'name') {
      const constants: Record<string, unknown> = { true: true, false: false, null: null };
      return { kind: 'literal', value: token.value in constants ? constants[token.value] : token.value };
    }
    if (token.kind === 'punct' && token.value === '[') {
      const items: GqlValue[] = [];
      while (!this.isPunct(']')) items.push(this.value());
      this.next();
      return { kind: 'list', items };
    }
    if (token.kind === 'punct' && token.value === '{') {
      const fields: [string, GqlValue][] = [];
      while (!this.isPunct('}')) {
        const name = this.expectName().value;
        this.expectPunct(':');
        fields.push([name, this.value()]);
      }
      this.next();
      return { kind: 'object', fields };
    }
    throw this.unexpected(token);
  }

  private peek(): Token {
    return this.tokens[this.pos] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos += 1;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value) throw this.unexpected(token);
    return token;
  }

  private expectName(): Token {
    const token = this.next();
    if (token.kind !== 'name') throw this.unexpected(token);
    return token;
  }

  private expectKeyword(keyword: string): void {
    const token = this.expectName();
    if (token.value !== keyword) throw this.unexpected(token);
  }

  private unexpected(token: Token): GraphqlSyntaxError {
    const what = token.kind === 'eof' ? 'unexpected end of file' : `unexpected ${token.kind.toUpperCase()} ("${token.value}")`;
    return syntaxError(what, token.line, token.column);
  }
}

interface Execution {
  state: State;
  doc: GqlDocument;
  operation: GqlOperation;
  variables: Json;
  errors: GqlError[];
  /** A static (validation) error: Shopify answers these without `data`. */
  invalid: boolean;
  cost: number;
}

function executeGraphql(
  state: State,
  query: string,
  variables: Json,
  operationName: string | undefined,
): { body: Json; operation?: string } {
  let doc: GqlDocument;
  try {
    doc = new GraphqlParser(tokenize(query)).document();
  } catch (error) {
    if (!(error instanceof GraphqlSyntaxError)) throw error;
    return { body: { errors: [{ message: error.message }] } };
  }
  const operation = selectOperation(doc, operationName);
  if (typeof operation === 'string') return { body: { errors: [{ message: operation }] } };
  const exec: Execution = { state, doc, operation, variables, errors: [], invalid: false, cost: 0 };
  checkVariables(exec);
  if (exec.invalid) return { body: { errors: exec.errors } };
  const rootType = operation.type === 'mutation' ? 'Mutation' : 'QueryRoot';
  const data: Json = {};
  const fields = collectFields(exec, operation.selections);
  for (const [key, field] of fields) data[key] = resolveRootField(exec, rootType, field, [key]);
  const operationLabel = [...fields.values()].map((field) => field.name).join(',');
  if (exec.invalid) return { body: { errors: exec.errors }, operation: operationLabel };
  const body: Json = { data };
  if (exec.errors.length > 0) body['errors'] = exec.errors;
  body['extensions'] = { cost: queryCost(exec.cost) };
  return { body, operation: operationLabel };
}

function selectOperation(doc: GqlDocument, operationName: string | undefined): GqlOperation | string {
  if (operationName !== undefined) {
    return doc.operations.find((op) => op.name === operationName) ?? `No operation named "${operationName}"`;
  }
  if (doc.operations.length === 1 && doc.operations[0] !== undefined) return doc.operations[0];
  return doc.operations.length === 0 ? 'No operations in query document' : 'An operation name is required';
}

function checkVariables(exec: Execution): void {
  const { operation } = exec;
  const declared = new Set(operation.variables.map((definition) => definition.name));
  for (const name of variablesUsed(exec, operation.selections, new Set())) {
    if (!declared.has(name)) {
      invalidate(exec, {
        message: `Variable $${name} is used by ${operation.name ?? 'anonymous query'} but not declared`,
        extensions: { code: 'variableNotDefined', variableName: name },
      });
    }
  }
  for (const definition of operation.variables) {
    const given = exec.variables[definition.name];
    if (given === undefined && definition.defaultValue !== undefined) {
      exec.variables[definition.name] = resolveValue(definition.defaultValue, {});
    } else if ((given === undefined || given === null) && definition.type.endsWith('!')) {
      invalidate(exec, {
        message: `Variable $${definition.name} of type ${definition.type} was provided invalid value`,
        extensions: { code: 'INVALID_VARIABLE', value: null, problems: [{ path: [], explanation: 'Expected value to not be null' }] },
      });
    }
  }
}

function variablesUsed(exec: Execution, selections: GqlSelection[], seenFragments: Set<string>): Set<string> {
  const names = new Set<string>();
  const visitValue = (value: GqlValue): void => {
    if (value.kind === 'variable') names.add(value.name);
    else if (value.kind === 'list') value.items.forEach(visitValue);
    else if (value.kind === 'object') value.fields.forEach(([, field]) => visitValue(field));
  };
  for (const selection of selections) {
    selection.directives.forEach((directive) => directive.args.forEach(visitValue));
    let nested: GqlSelection[] | undefined;
    if (selection.kind === 'field') {
      selection.args.forEach(visitValue);
      nested = selection.selections;
    } else if (selection.kind === 'inline') {
      nested = selection.selections;
    } else if (!seenFragments.has(selection.name)) {
      seenFragments.add(selection.name);
      nested = exec.doc.fragments.get(selection.name);
    }
    if (nested !== undefined) variablesUsed(exec, nested, seenFragments).forEach((name) => names.add(name));
  }
  return names;
}

/** Fields by response key, fragments expanded, @skip/@include applied, same-key fields merged. */
function collectFields(exec: Execution, selections: GqlSelection[], into = new Map<string, GqlField>()): Map<string, GqlField> {
  for (const selection of selections) {
    if (!included(exec, selection.directives)) continue;
    if (selection.kind === 'inline') {
      collectFields(exec, selection.selections, into);
    } else if (selection.kind === 'spread') {
      const fragment = exec.doc.fragments.get(selection.name);
      if (fragment === undefined)
        invalidate(exec, { message: `Fragment ${selection.name} was used, but not defined`, extensions: { code: 'undefinedFragment' } });
      else collectFields(exec, fragment, into);
    } else {
      const key = selection.alias ?? selection.name;
      const existing = into.get(key);
      if (existing === undefined) into.set(key, selection);
      else into.set(key, { ...existing, selections: [...(existing.selections ?? []), ...(selection.selections ?? [])] });
    }
  }
  return into;
}

function included(exec: Execution, directives: GqlDirective[]): boolean {
  for (const directive of directives) {
    const condition = directive.args.get('if');
    const value = condition === undefined ? undefined : resolveValue(condition, exec.variables);
    if (directive.name === 'skip' && value === true) return false;
    if (directive.name === 'include' && value === false) return false;
  }
  return true;
}

function resolveValue(value: GqlValue, variables: Json): unknown {
  switch (value.kind) {
    case 'variable':
      return variables[value.name] ?? null;
    case 'literal':
      return value.value;
    case 'list':
      return value.items.map((item) => resolveValue(item, variables));
    case 'object':
      return Object.fromEntries(value.fields.map(([name, field]) => [name, resolveValue(field, variables)]));
  }
}

function resolveRootField(exec: Execution, rootType: string, field: GqlField, path: (string | number)[]): unknown {
  if (field.name === '__typename') return rootType;
  exec.cost += 1;
  if (rootType === 'QueryRoot' && field.name === 'order') return resolveOrder(exec, field, path);
  if (rootType === 'Mutation' && field.name === 'metafieldsSet') return resolveMetafieldsSet(exec, field, path);
  const supported = rootType === 'Mutation' ? 'metafieldsSet' : 'order';
  invalidate(exec, {
    message: `Field '${field.name}' doesn't exist on type '${rootType}' (this fake Shopify implements only ${supported})`,
    locations: [location(field)],
    path,
    extensions: { code: 'undefinedField', typeName: rootType, fieldName: field.name },
  });
  return null;
}

function resolveOrder(exec: Execution, field: GqlField, path: (string | number)[]): unknown {
  const idArg = field.args.get('id');
  if (idArg === undefined) {
    return missingArgument(exec, field, path, 'id');
  }
  const id = resolveValue(idArg, exec.variables);
  if (!hasScope(exec.state, 'read_orders')) return accessDenied(exec, field, path, 'read_orders');
  if (typeof id !== 'string' || GID_PATTERN.exec(id)?.[1] !== 'Order') {
    return invalidGlobalId(exec, field, path, id);
  }
  const order = exec.state.orders.get(id);
  return order === undefined ? null : completeValue(exec, order, field, 'Order', path);
}

function resolveMetafieldsSet(exec: Execution, field: GqlField, path: (string | number)[]): unknown {
  const arg = field.args.get('metafields');
  if (arg === undefined) {
    return missingArgument(exec, field, path, 'metafields');
  }
  const raw = resolveValue(arg, exec.variables);
  // GraphQL input coercion: a single object stands for a list of one.
  const inputs = raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  if (inputs.length > SHOPIFY_METAFIELDS_SET_LIMIT) {
    exec.errors.push({
      message: `The input array size of ${inputs.length} is greater than the maximum allowed of ${SHOPIFY_METAFIELDS_SET_LIMIT}.`,
      locations: [location(field)],
      path: [...path, 'metafields'],
      extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
    });
    return null;
  }
  const coerced = coerceMetafieldInputs(exec, field, arg, raw, inputs);
  if (coerced === undefined) return null;
  if (!hasScope(exec.state, 'write_orders')) return accessDenied(exec, field, path, 'write_orders');
  const malformed = coerced.find((input) => !GID_PATTERN.test(input.ownerId));
  if (malformed !== undefined) return invalidGlobalId(exec, field, path, malformed.ownerId);
  const userErrors = coerced.flatMap((input, index) => validateMetafieldInput(exec.state, input, index));
  let metafields: Json[] = [];
  if (userErrors.length === 0) {
    metafields = coerced.map((input) => metafieldNode(exec.state, input.ownerId, storeMetafield(exec.state, input)));
  }
  return completeValue(exec, { metafields, userErrors }, field, 'MetafieldsSetPayload', path);
}

interface MetafieldInput {
  ownerId: string;
  namespace: string | null;
  key: string;
  type: string | null;
  value: string;
}

const METAFIELDS_SET_INPUT: Record<string, { type: string; required: boolean }> = {
  ownerId: { type: 'ID!', required: true },
  namespace: { type: 'String', required: false },
  key: { type: 'String!', required: true },
  type: { type: 'String', required: false },
  value: { type: 'String!', required: true },
  compareDigest: { type: 'String', required: false },
};

/** Applies the MetafieldsSetInput schema; on a mismatch records the error GraphQL raises and returns undefined. */
function coerceMetafieldInputs(
  exec: Execution,
  field: GqlField,
  arg: GqlValue,
  raw: unknown,
  inputs: unknown[],
): MetafieldInput[] | undefined {
  const problems: { path: (string | number)[]; explanation: string }[] = [];
  const coerced: MetafieldInput[] = [];
  inputs.forEach((input, index) => {
    if (!isRecord(input)) {
      problems.push({ path: [index], explanation: 'Expected value to be an object' });
      return;
    }
    for (const name of Object.keys(input)) {
      if (!(name in METAFIELDS_SET_INPUT))
        problems.push({ path: [index, name], explanation: 'Field is not defined on MetafieldsSetInput' });
    }
    for (const [name, spec] of Object.entries(METAFIELDS_SET_INPUT)) {
      const value = input[name];
      if (value === undefined || value === null) {
        if (spec.required) problems.push({ path: [index, name], explanation: 'Expected value to not be null' });
      } else if (typeof value !== 'string' && !(spec.type === 'ID!' && Number.isInteger(value))) {
        problems.push({
          path: [index, name],
          explanation: `Could not coerce value ${JSON.stringify(value)} to ${spec.type.replace('!', '')}`,
        });
      }
    }
    const text = (name: string): string | null => (input[name] === undefined || input[name] === null ? null : String(input[name]));
    coerced.push({
      ownerId: text('ownerId') ?? '',
      namespace: text('namespace'),
      key: text('key') ?? '',
      type: text('type'),
      value: text('value') ?? '',
    });
  });
  if (raw === null) problems.push({ path: [], explanation: 'Expected value to not be null' });
  const first = problems[0];
  if (first === undefined) return coerced;
  const where = first.path.join('.');
  const message =
    arg.kind === 'variable'
      ? `Variable $${arg.name} of type [MetafieldsSetInput!]! was provided invalid value${where === '' ? '' : ` for ${where}`} (${first.explanation})`
      : `Argument 'metafields' on Field 'metafieldsSet' has an invalid value${where === '' ? '' : ` at ${where}`} (${first.explanation})`;
  invalidate(exec, { message, locations: [location(field)], extensions: { code: 'INVALID_VARIABLE', value: raw, problems } });
  return undefined;
}

interface MetafieldsSetUserError {
  field: string[];
  message: string;
  code: string;
  elementIndex: number | null;
}

/** The userErrors Shopify returns for one input; the codes are MetafieldsSetUserErrorCode values. */
function validateMetafieldInput(state: State, input: MetafieldInput, index: number): MetafieldsSetUserError[] {
  const errors: MetafieldsSetUserError[] = [];
  const fail = (name: string, code: string, message: string): void => {
    errors.push({ field: ['metafields', String(index), name], message, code, elementIndex: null });
  };
  if (!state.orders.has(input.ownerId)) fail('ownerId', 'INVALID', 'Owner does not exist.');
  const namespace = resolveNamespace(state, input.namespace);
  if (!namespace.startsWith('app--')) {
    if (namespace.length < 3) fail('namespace', 'TOO_SHORT', 'Namespace is too short (minimum is 3 characters)');
    else if (namespace.length > 255) fail('namespace', 'TOO_LONG', 'Namespace is too long (maximum is 255 characters)');
    else if (!HANDLE_PATTERN.test(namespace)) fail('namespace', 'INVALID', 'Namespace contains one or more invalid characters.');
  }
  if (input.key.length < 2) fail('key', 'TOO_SHORT', 'Key is too short (minimum is 2 characters)');
  else if (input.key.length > 64) fail('key', 'TOO_LONG', 'Key is too long (maximum is 64 characters)');
  else if (!HANDLE_PATTERN.test(input.key)) fail('key', 'INVALID', 'Key contains one or more invalid characters.');
  const existing = state.metafields.get(input.ownerId)?.find((m) => m.namespace === namespace && m.key === input.key);
  const type = input.type ?? existing?.type;
  if (type === undefined || type === '') {
    fail('type', 'BLANK', "Type can't be blank.");
  } else if (!SHOPIFY_METAFIELD_TYPES.includes(type)) {
    fail('type', 'INVALID_TYPE', `Type '${type}' is not a valid metafield type.`);
  } else if (existing !== undefined && existing.type !== type) {
    fail('type', 'INVALID_TYPE', `Type must be '${existing.type}', the type of the existing metafield.`);
  } else if (input.value === '') {
    fail('value', 'BLANK', "Value can't be blank.");
  } else {
    const problem = metafieldValueProblem(type, input.value);
    if (problem !== undefined) fail('value', 'INVALID_VALUE', problem);
  }
  return errors;
}

function metafieldValueProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'single_line_text_field':
      return /[\r\n]/.test(value) ? 'Value must be a single line text string.' : undefined;
    case 'url':
      return isMetafieldUrl(value) ? undefined : 'Value must be a valid URL with one of the schemes: https, http, mailto, sms, tel.';
    case 'json':
      return parseJson(value) === undefined ? 'Value is invalid JSON.' : undefined;
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : 'Value must be true or false.';
    case 'number_integer':
      return /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? undefined : 'Value must be an integer.';
    case 'number_decimal':
      return /^-?\d+(\.\d+)?$/.test(value) ? undefined : 'Value must be a decimal.';
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : 'Value must be in YYYY-MM-DD format.';
    case 'date_time':
      return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : 'Value must be in ISO 8601 date and time format.';
    case 'color':
      return /^#[0-9A-Fa-f]{6}$/.test(value) ? undefined : 'Value must be a hex color code (#RRGGBB).';
    default:
      return undefined;
  }
}

function isMetafieldUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname !== '';
  return ['mailto:', 'sms:', 'tel:'].includes(url.protocol);
}

/** `null` means the app-reserved namespace; `$app` and `$app:suffix` expand to it. */
function resolveNamespace(state: State, namespace: string | null): string {
  if (namespace === null || namespace === '$app') return state.appNamespace;
  if (namespace.startsWith('$app:')) return `${state.appNamespace}--${namespace.slice('$app:'.length)}`;
  return namespace;
}

function storeMetafield(state: State, input: MetafieldInput): ShopifyMetafield {
  const namespace = resolveNamespace(state, input.namespace);
  const list = state.metafields.get(input.ownerId) ?? [];
  state.metafields.set(input.ownerId, list);
  const existing = list.find((m) => m.namespace === namespace && m.key === input.key);
  const type = input.type ?? existing?.type ?? '';
  const now = shopifyTimestamp();
  const metaKey = `${input.ownerId}|${namespace}|${input.key}`;
  const meta = state.metafieldMeta.get(metaKey);
  if (existing !== undefined && meta !== undefined) {
    existing.type = type;
    existing.value = input.value;
    meta.updatedAt = now;
    return existing;
  }
  const stored: ShopifyMetafield = { namespace, key: input.key, type, value: input.value };
  list.push(stored);
  state.metafieldMeta.set(metaKey, { id: `gid://shopify/Metafield/${state.nextMetafieldId}`, createdAt: now, updatedAt: now });
  state.nextMetafieldId += 1;
  return stored;
}

/** A `Metafield` object as the API exposes it. */
function metafieldNode(state: State, ownerId: string, metafield: ShopifyMetafield): Json {
  const meta = state.metafieldMeta.get(`${ownerId}|${metafield.namespace}|${metafield.key}`);
  const ownerType = GID_PATTERN.exec(ownerId)?.[1] ?? '';
  return {
    id: meta?.id ?? null,
    namespace: metafield.namespace,
    key: metafield.key,
    type: metafield.type,
    value: metafield.value,
    jsonValue: metafield.type === 'json' ? (parseJson(metafield.value) ?? null) : metafield.value,
    ownerType: ownerType.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
    owner: { id: ownerId },
    compareDigest: createHash('sha256').update(`${metafield.type}:${metafield.value}`).digest('hex'),
    createdAt: meta?.createdAt ?? null,
    updatedAt: meta?.updatedAt ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Answering only the fields selected

const FIELD_TYPES: Record<string, string> = {
  customer: 'Customer',
  shopMoney: 'MoneyV2',
  presentmentMoney: 'MoneyV2',
  lineItems: 'LineItemConnection',
  fulfillments: 'Fulfillment',
  trackingInfo: 'FulfillmentTrackingInfo',
  metafield: 'Metafield',
  metafields: 'MetafieldConnection',
  userErrors: 'MetafieldsSetUserError',
  pageInfo: 'PageInfo',
};

function childType(parentType: string, field: string): string {
  if (parentType === 'MetafieldsSetPayload' && field === 'metafields') return 'Metafield';
  if (parentType.endsWith('Connection')) {
    const node = parentType.slice(0, -'Connection'.length);
    if (field === 'nodes') return node;
    if (field === 'edges') return `${node}Edge`;
  }
  if (parentType.endsWith('Edge') && field === 'node') return parentType.slice(0, -'Edge'.length);
  if (field.endsWith('Set')) return 'MoneyBag';
  return FIELD_TYPES[field] ?? field.charAt(0).toUpperCase() + field.slice(1);
}

function completeValue(exec: Execution, value: unknown, field: GqlField, type: string, path: (string | number)[]): unknown {
  if (value === null || value === undefined) return null;
  if (JSON_SCALARS.has(type)) return completeItem(exec, value, field, type, path);
  if (Array.isArray(value)) {
    const first = intArgument(exec, field, 'first');
    const items = first === undefined ? value : value.slice(0, first);
    return items.map((item, i) => completeItem(exec, item, field, type, [...path, i]));
  }
  if (isRecord(value) && Array.isArray(value['nodes'])) return completeConnection(exec, value['nodes'], field, type, path);
  return completeItem(exec, value, field, type, path);
}

/** Scalars whose values may be objects or lists (a json metafield's `jsonValue`): answered whole, no selections. */
const JSON_SCALARS = new Set(['JsonValue', 'JSON']);

function completeItem(exec: Execution, value: unknown, field: GqlField, type: string, path: (string | number)[]): unknown {
  if (isRecord(value) && !JSON_SCALARS.has(type)) {
    if (field.selections === undefined) {
      invalidate(exec, {
        message: `Field must have selections (field '${field.name}' returns ${type} but has no selections. Did you mean '${field.name} { ... }'?)`,
        locations: [location(field)],
        path,
        extensions: { code: 'selectionMismatch', nodeName: `field '${field.name}'`, typeName: type },
      });
      return null;
    }
    exec.cost += 1;
    const out: Json = {};
    for (const [key, child] of collectFields(exec, field.selections)) out[key] = resolveField(exec, value, type, child, [...path, key]);
    return out;
  }
  if (field.selections !== undefined) {
    invalidate(exec, {
      message: `Selections can't be made on scalars (field '${field.name}' returns a scalar but has selections)`,
      locations: [location(field)],
      path,
      extensions: { code: 'selectionMismatch', nodeName: `field '${field.name}'` },
    });
    return null;
  }
  return value;
}

function completeConnection(exec: Execution, all: unknown[], field: GqlField, type: string, path: (string | number)[]): unknown {
  const first = intArgument(exec, field, 'first');
  const last = intArgument(exec, field, 'last');
  if (first === undefined && last === undefined) {
    invalidate(exec, {
      message: 'you must provide one of first or last',
      locations: [location(field)],
      path,
      extensions: { code: 'missingFirstOrLast' },
    });
    return null;
  }
  const nodes = first !== undefined ? all.slice(0, first) : all.slice(Math.max(0, all.length - (last ?? 0)));
  const cursor = (node: unknown, i: number): string => {
    const id = isRecord(node) && typeof node['id'] === 'string' ? node['id'] : String(i);
    return Buffer.from(JSON.stringify({ last_id: id, last_value: id })).toString('base64');
  };
  const edges = nodes.map((node, i) => ({ cursor: cursor(node, i), node }));
  const connection = {
    nodes,
    edges,
    pageInfo: {
      hasNextPage: first !== undefined && all.length > first,
      hasPreviousPage: first === undefined && all.length > nodes.length,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
  return completeItem(exec, connection, field, type, path);
}

function resolveField(exec: Execution, parent: Json, parentType: string, field: GqlField, path: (string | number)[]): unknown {
  const type = childType(parentType, field.name);
  if (field.name === '__typename') return parentType;
  const ownerId = typeof parent['id'] === 'string' && isMetafieldOwner(exec.state, parent['id']) ? parent['id'] : undefined;
  if (ownerId !== undefined && (field.name === 'metafield' || field.name === 'metafields'))
    return resolveOwnerMetafields(exec, ownerId, field, type, path);
  // A line item's product is product data: Shopify answers ACCESS_DENIED without read_products.
  if (parentType === 'LineItem' && field.name === 'product' && !hasScope(exec.state, 'read_products'))
    return accessDenied(exec, field, path, 'read_products');
  if (!(field.name in parent)) {
    invalidate(exec, {
      message: `Field '${field.name}' doesn't exist on type '${parentType}'`,
      locations: [location(field)],
      path,
      extensions: { code: 'undefinedField', typeName: parentType, fieldName: field.name },
    });
    return null;
  }
  return completeValue(exec, parent[field.name], field, type, path);
}

/** Orders, and the products of their line items (whose metafields tests set in `metafields`). */
function isMetafieldOwner(state: State, id: string): boolean {
  return state.orders.has(id) || GID_PATTERN.exec(id)?.[1] === 'Product';
}

/** `metafield(namespace:, key:)` and `metafields(first:, namespace:)` on an owner, read from what was set. */
function resolveOwnerMetafields(exec: Execution, ownerId: string, field: GqlField, type: string, path: (string | number)[]): unknown {
  const stored = exec.state.metafields.get(ownerId) ?? [];
  const arg = (name: string): unknown => {
    const value = field.args.get(name);
    return value === undefined ? undefined : resolveValue(value, exec.variables);
  };
  const namespaceArg = arg('namespace');
  const namespace = typeof namespaceArg === 'string' ? resolveNamespace(exec.state, namespaceArg) : undefined;
  if (field.name === 'metafield') {
    const key = arg('key');
    const ns = namespace ?? exec.state.appNamespace;
    const found = stored.find((m) => m.namespace === ns && m.key === key);
    return found === undefined ? null : completeValue(exec, metafieldNode(exec.state, ownerId, found), field, type, path);
  }
  const nodes = stored
    .filter((m) => namespace === undefined || m.namespace === namespace)
    .map((m) => metafieldNode(exec.state, ownerId, m));
  return completeValue(exec, { nodes }, field, type, path);
}

function intArgument(exec: Execution, field: GqlField, name: string): number | undefined {
  const value = field.args.get(name);
  const resolved = value === undefined ? undefined : resolveValue(value, exec.variables);
  return typeof resolved === 'number' && Number.isInteger(resolved) && resolved >= 0 ? resolved : undefined;
}

function missingArgument(exec: Execution, field: GqlField, path: (string | number)[], argument: string): null {
  invalidate(exec, {
    message: `Field '${field.name}' is missing required arguments: ${argument}`,
    locations: [location(field)],
    path,
    extensions: { code: 'missingRequiredArguments' },
  });
  return null;
}

function invalidGlobalId(exec: Execution, field: GqlField, path: (string | number)[], id: unknown): null {
  exec.errors.push({
    message: `Invalid global id '${String(id)}'`,
    locations: [location(field)],
    path,
    extensions: { code: 'argumentLiteralsIncompatible', typeName: 'CoercionError' },
  });
  return null;
}

function accessDenied(exec: Execution, field: GqlField, path: (string | number)[], scope: string): null {
  exec.errors.push({
    message: `Access denied for ${field.name} field. Required access: \`${scope}\` access scope.`,
    locations: [location(field)],
    path,
    extensions: {
      code: 'ACCESS_DENIED',
      documentation: 'https://shopify.dev/api/usage/access-scopes',
      requiredAccess: `\`${scope}\` access scope.`,
    },
  });
  return null;
}

function hasScope(state: State, scope: string): boolean {
  // A write scope implies its read scope.
  return state.scopes.includes(scope) || state.scopes.includes(scope.replace(/^read_/, 'write_'));
}

function invalidate(exec: Execution, error: GqlError): void {
  exec.errors.push(error);
  exec.invalid = true;
}

function location(field: GqlField): { line: number; column: number } {
  return { line: field.line, column: field.column };
}

function queryCost(cost: number): Json {
  return {
    requestedQueryCost: cost,
    actualQueryCost: cost,
    throttleStatus: { maximumAvailable: THROTTLE_MAXIMUM, currentlyAvailable: THROTTLE_MAXIMUM - cost, restoreRate: 100 },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function latestStableVersion(): string {
  return (
    SHOPIFY_API_VERSIONS.filter((version) => version !== 'unstable')
      .sort()
      .at(-1) ?? 'unstable'
  );
}

function shopifyTimestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function mediaType(headers: IncomingHttpHeaders): string {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
