import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { readBody } from './read-body';

/**
 * A local stand-in for a WooCommerce store's REST API (wc/v3 orders and order notes) over plain HTTP, checking
 * requests the way `WC_REST_Authentication` and the WordPress REST server do, plus the webhook deliveries and
 * creation pings such a store sends.
 *
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication-over-http
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#orders
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#order-notes
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-a-product
 * @see https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks
 * @see https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/includes/class-wc-rest-authentication.php
 * @see https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/includes/class-wc-webhook.php
 */

/** Order statuses the wc/v3 API accepts or shows (without the internal `wc-` prefix). */
export type WooOrderStatus =
  | 'pending'
  | 'processing'
  | 'on-hold'
  | 'completed'
  | 'cancelled'
  | 'refunded'
  | 'failed'
  | 'checkout-draft'
  | 'auto-draft'
  | 'trash';

/** One entry of a resource's `meta_data`. */
export interface WooMetaData {
  /** Always set on what WooCommerce stores and sends; optional so tests can put entries in as a client writes them (the fake numbers them). */
  id?: number;
  key: string;
  value: unknown;
}

/** Order item meta, which the API also gives in display form. */
export interface WooItemMetaData extends WooMetaData {
  display_key?: string;
  display_value?: unknown;
}

/** An order's `billing` object. */
export interface WooBillingAddress {
  first_name: string;
  last_name: string;
  company: string;
  address_1: string;
  address_2?: string;
  city: string;
  state?: string;
  postcode: string;
  country: string;
  email: string | null;
  phone: string;
}

/** An order's `shipping` object: the billing fields without `email`, and `phone` optional. */
export interface WooShippingAddress extends Omit<WooBillingAddress, 'email' | 'phone'> {
  phone?: string;
}

/** One tax rate's share of an order item. */
export interface WooItemTax {
  id: number;
  total: string;
  subtotal: string;
}

/** An entry of `line_items`. */
export interface WooLineItem {
  id: number;
  name: string;
  product_id: number;
  variation_id: number;
  quantity: number;
  tax_class?: string;
  subtotal: string;
  subtotal_tax?: string;
  total: string;
  total_tax?: string;
  taxes?: WooItemTax[];
  meta_data: WooItemMetaData[];
  sku: string | null;
  /** Line total (before tax) divided by quantity: a number, unlike the money strings. */
  price: number;
  image?: { id: number | string; src: string };
  parent_name?: string | null;
}

/** An entry of `tax_lines`: one tax rate's totals for the order. */
export interface WooTaxLine {
  id: number;
  rate_code: string;
  rate_id: number;
  label: string;
  compound: boolean;
  tax_total: string;
  shipping_tax_total: string;
  rate_percent?: number;
  meta_data: WooItemMetaData[];
}

/** An entry of `shipping_lines`. */
export interface WooShippingLine {
  id: number;
  method_title: string;
  method_id: string;
  instance_id?: string;
  total: string;
  total_tax?: string;
  taxes?: WooItemTax[];
  meta_data: WooItemMetaData[];
}

/** An entry of `fee_lines`. */
export interface WooFeeLine {
  id: number;
  name: string;
  tax_class?: string;
  tax_status?: string;
  amount?: string;
  total: string;
  total_tax?: string;
  taxes?: WooItemTax[];
  meta_data: WooItemMetaData[];
}

/** An entry of `coupon_lines`. */
export interface WooCouponLine {
  id: number;
  code: string;
  discount: string;
  discount_tax: string;
  meta_data: WooItemMetaData[];
  discount_type?: string;
  nominal_amount?: number;
  free_shipping?: boolean;
}

/** An entry of `refunds`: the order's view of one refund. */
export interface WooRefundSummary {
  id: number;
  reason: string;
  /** Negative, e.g. "-10.00". */
  total: string;
}

/**
 * The wc/v3 order resource, as far as Passmint reads it. Money is a decimal string ("66.70"); dates are
 * `YYYY-MM-DDTHH:MM:SS` without offset, in the store's time zone, with a `_gmt` twin in UTC.
 */
export interface WooOrder {
  id: number;
  parent_id: number;
  number: string;
  order_key: string;
  created_via: string;
  version?: string;
  status: WooOrderStatus;
  currency: string;
  currency_symbol?: string;
  prices_include_tax?: boolean;
  date_created: string;
  date_created_gmt: string;
  date_modified: string;
  date_modified_gmt: string;
  discount_total: string;
  discount_tax?: string;
  shipping_total: string;
  shipping_tax?: string;
  cart_tax?: string;
  total: string;
  total_tax: string;
  customer_id: number;
  customer_ip_address?: string;
  customer_user_agent?: string;
  customer_note: string;
  billing: WooBillingAddress;
  shipping: WooShippingAddress;
  payment_method: string;
  payment_method_title: string;
  transaction_id: string;
  date_paid: string | null;
  date_paid_gmt: string | null;
  date_completed: string | null;
  date_completed_gmt: string | null;
  cart_hash?: string;
  meta_data: WooMetaData[];
  line_items: WooLineItem[];
  tax_lines?: WooTaxLine[];
  shipping_lines: WooShippingLine[];
  fee_lines: WooFeeLine[];
  coupon_lines: WooCouponLine[];
  refunds: WooRefundSummary[];
  payment_url?: string;
  is_editable?: boolean;
  needs_payment?: boolean;
  needs_processing?: boolean;
  _links?: Record<string, unknown>;
}

/** The wc/v3 order note resource. */
/** A product term (category or tag) as a product resource lists it. */
export interface WooProductTerm {
  id: number;
  name: string;
  slug: string;
}

/** The part of a wc/v3 product resource the fake serves: its name, type, categories and tags. */
export interface WooProduct {
  id: number;
  name: string;
  slug: string;
  type: 'simple' | 'variable' | 'grouped' | 'external';
  status: 'publish' | 'draft' | 'pending' | 'private';
  categories: WooProductTerm[];
  tags: WooProductTerm[];
  meta_data?: WooMetaData[];
}

export interface WooOrderNote {
  id: number;
  /** 'WooCommerce' for notes the store adds itself (or `added_by_user: false`), else the key owner's display name. */
  author: string;
  date_created: string;
  date_created_gmt: string;
  note: string;
  customer_note: boolean;
}

/** What an API key may do, as set on WooCommerce > Settings > Advanced > REST API. */
export type WooKeyPermissions = 'read' | 'write' | 'read_write';

/** The store's single API key (what WooCommerce > Settings > Advanced > REST API issues) and its data. */
export interface FakeWooCommerceOptions {
  consumerKey: string;
  consumerSecret: string;
  /** Initial orders, copied. */
  orders?: WooOrder[];
  /** The store's products, copied, for GET /wc/v3/products/<id>. */
  products?: WooProduct[];
  /** Default 'read_write'. */
  permissions?: WooKeyPermissions;
  /** The store's time zone (IANA) for the non-GMT dates; default 'Europe/Berlin'. */
  timeZone?: string;
  /** Display name of the key's owner, the author of notes posted with `added_by_user: true`; default 'Shop Manager'. */
  userDisplayName?: string;
  /** Clock (ms) for OAuth timestamps and for the dates the fake writes; default `Date.now`. */
  now?: () => number;
}

/** A write the fake accepted (2xx to POST, PUT, PATCH or DELETE). */
export interface FakeWooWrite {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The parsed body: JSON, form fields, the raw text if neither, undefined if empty. */
  body: unknown;
  at: number;
}

/** A request the fake answered with status >= 400; `code` is the WooCommerce/WordPress error code. */
export interface FakeWooRejection {
  method: string;
  path: string;
  status: number;
  code: string;
}

/** A running fake store. */
export interface FakeWooCommerce {
  /**
   * The store's home URL, http://127.0.0.1:<port>: plain HTTP, so OAuth 1.0a is the only way in, and signatures are
   * checked against this exact origin (as WooCommerce uses its home URL, not the Host header).
   */
  url: string;
  /** Current state; tests may put or mutate orders. */
  orders: Map<number, WooOrder>;
  /** The store's products by id; tests may put or change them. */
  products: Map<number, WooProduct>;
  /** Every accepted write, in order. */
  writes: FakeWooWrite[];
  /** Every refused request (status >= 400), in order. */
  rejected: FakeWooRejection[];
  /** The order's notes, newest first, as the API lists them. */
  notes(orderId: number): WooOrderNote[];
  stop(): Promise<void>;
}

/** The order topics a WooCommerce webhook can subscribe to. */
export type WooWebhookTopic = 'order.created' | 'order.updated' | 'order.deleted' | 'order.restored';

/** One webhook delivery, as `deliverWooWebhook` sends it. */
export interface WooWebhookDelivery {
  topic: WooWebhookTopic;
  /** The order as the REST API shows it; for `order.deleted` only its `id` is sent, as WooCommerce does. */
  order: WooOrder | object;
  secret: string;
  /** Default 12. */
  webhookId?: number;
  /** Default: WooCommerce's own, `wooDeliveryId(webhookId)`. */
  deliveryId?: string;
  /** The store's home URL; a trailing slash is added if missing. Default 'https://shop.example.test/'. */
  sourceUrl?: string;
  /** Sent instead of the real signature, to test rejection. */
  signature?: string;
}

/** The receiver's answer. */
export interface WooWebhookResponse {
  status: number;
  body: string;
}

/** The WooCommerce version the fake claims (order `version`, webhook User-Agent). */
export const FAKE_WC_VERSION = '10.3.0';
/** The WordPress version the fake claims (webhook User-Agent). */
export const FAKE_WP_VERSION = '6.8.3';
/** The User-Agent of WooCommerce's webhook deliveries and pings. */
export const WOO_WEBHOOK_USER_AGENT = `WooCommerce/${FAKE_WC_VERSION} Hookshot (WordPress/${FAKE_WP_VERSION})`;
/** How far `oauth_timestamp` may be from the store's clock, either way, and how long a nonce is remembered. */
export const WOO_OAUTH_WINDOW_S = 15 * 60;

const REST_PREFIX = '/wp-json';
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_WEBHOOK_ID = 12;
const DEFAULT_SOURCE_URL = 'https://shop.example.test/';
const DELIVERY_TIMEOUT_MS = 60_000;
/** Stands in for the site's `wp_salt('auth')`, which keys `wp_hash`. */
const FAKE_AUTH_SALT = 'passmint-fake-woocommerce-auth-salt';
const SYSTEM_NOTE_AUTHOR = 'WooCommerce';
const OAUTH_REQUIRED = ['oauth_consumer_key', 'oauth_timestamp', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method'];
/** WC_REST_Orders_V2_Controller::get_order_statuses(): 'auto-draft' plus wc_get_order_statuses(). */
const ORDER_STATUSES = ['auto-draft', 'pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft'];
const STATUS_NAMES: Record<string, string> = {
  pending: 'Pending payment',
  processing: 'Processing',
  'on-hold': 'On hold',
  completed: 'Completed',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
  failed: 'Failed',
  'checkout-draft': 'Draft',
};
const NOTE_TYPES = ['any', 'customer', 'internal'];
const ORDER_STRING_PARAMS = ['customer_note', 'transaction_id', 'payment_method', 'payment_method_title'] as const;
/** Writable in wc/v3 but not modelled here; the fake answers 501 rather than pretend to apply them. */
const UNMODELED_ORDER_PARAMS = [
  'parent_id',
  'currency',
  'customer_id',
  'billing',
  'shipping',
  'line_items',
  'shipping_lines',
  'fee_lines',
  'coupon_lines',
  'set_paid',
];
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
type Caller = 'key' | 'anonymous';
type Action = 'get_order' | 'update_order' | 'list_notes' | 'create_note' | 'get_note' | 'get_product';
interface RouteMatch {
  action: Action;
  /** URL parameters: `id` for an order, `order_id` (+ `id`) for notes. */
  url: Record<string, number>;
}
interface StoredNote {
  id: number;
  orderId: number;
  author: string;
  dateLocal: string;
  dateGmt: string;
  note: string;
  customerNote: boolean;
}
interface State {
  consumerKey: string;
  consumerSecret: string;
  permissions: WooKeyPermissions;
  timeZone: string;
  userDisplayName: string;
  now: () => number;
  url: string;
  orders: Map<number, WooOrder>;
  products: Map<number, WooProduct>;
  notes: Map<number, StoredNote[]>;
  /** Used nonces and the timestamp each came with. */
  nonces: Map<string, number>;
  writes: FakeWooWrite[];
  rejected: FakeWooRejection[];
  lastMetaId: number;
  lastNoteId: number;
}
interface WooRequest {
  method: string;
  /** The path exactly as sent, without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** PHP's `$_GET`. */
  query: PhpArray;
  /** PHP's `$_POST`: only a POST with a form body fills it. */
  post: PhpArray;
  /** The WP REST request's body parameters. */
  bodyParams: Json;
  bodyError?: Answer;
  /** What the client sent, for `writes`. */
  sent: unknown;
}
interface Issue {
  param: string;
  code: string;
  message: string;
}

/** A copy of `fixtures/woocommerce/order-processing.json` (a paid order as `order.created` sends it) with `overrides` applied. */
export function wooOrderFixture(overrides: Partial<WooOrder> = {}): WooOrder {
  const text = readFileSync(join(__dirname, '../fixtures/woocommerce/order-processing.json'), 'utf8');
  return { ...(JSON.parse(text) as WooOrder), ...structuredClone(overrides) };
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeWooCommerce(options: FakeWooCommerceOptions): Promise<FakeWooCommerce> {
  const state = newState(options);
  const server = http.createServer((req, res) => {
    handleRequest(state, req, res).catch(() =>
      send(res, wooError(500, 'internal_server_error', 'There has been a critical error on this website.')),
    );
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  return {
    url: state.url,
    orders: state.orders,
    products: state.products,
    writes: state.writes,
    rejected: state.rejected,
    notes: (orderId) => orderNotes(state, orderId).map(noteResource),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function newState(options: FakeWooCommerceOptions): State {
  const timeZone = options.timeZone ?? 'Europe/Berlin';
  // Throws a RangeError for an unknown zone now rather than on the first write.
  siteDates(0, timeZone);
  const orders = new Map((options.orders ?? []).map((order) => [order.id, structuredClone(order)]));
  return {
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    permissions: options.permissions ?? 'read_write',
    timeZone,
    userDisplayName: options.userDisplayName ?? 'Shop Manager',
    now: options.now ?? Date.now,
    url: '',
    orders,
    products: new Map((options.products ?? []).map((product) => [product.id, structuredClone(product)])),
    notes: new Map(),
    nonces: new Map(),
    writes: [],
    rejected: [],
    lastMetaId: 0,
    lastNoteId: 0,
  };
}

async function handleRequest(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  const method = req.method ?? 'GET';
  const request = raw === null ? undefined : parseRequest(req, raw);
  const path = request?.path ?? splitTarget(req.url ?? '/').path;
  const answer =
    request === undefined
      ? wooError(413, 'fake_woocommerce_body_too_large', `Bodies over ${MAX_BODY_BYTES} bytes are refused.`)
      : answerRequest(state, request);
  if (answer.status >= 400) {
    const code = (answer.body as { code?: unknown }).code;
    state.rejected.push({ method, path, status: answer.status, code: typeof code === 'string' ? code : '' });
  } else if (WRITE_METHODS.has(method)) {
    state.writes.push({ method, path, body: request?.sent, at: state.now() });
  }
  send(res, method === 'HEAD' ? { ...answer, body: undefined } : answer);
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
  res.end(answer.body === undefined ? undefined : encodeWooJson(answer.body));
}

function wooError(status: number, code: string, message: string, data: Json = {}): Answer {
  return { status, body: { code, message, data: { status, ...data } } };
}

// ---------------------------------------------------------------------------------------------------------------
// Request parsing, the way PHP and WP_REST_Request see it

function splitTarget(target: string): { path: string; query: string } {
  const mark = target.indexOf('?');
  return mark === -1 ? { path: target, query: '' } : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}

function parseRequest(req: IncomingMessage, raw: Buffer): WooRequest {
  const method = req.method ?? 'GET';
  const { path, query } = splitTarget(req.url ?? '/');
  const contentType = req.headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const isForm = mediaType === 'application/x-www-form-urlencoded';
  const bytes = raw.toString('latin1');
  const post = method === 'POST' && isForm ? parsePhpQuery(bytes) : new Map<string, PhpValue>();
  const request: WooRequest = {
    method,
    path,
    headers: req.headers,
    query: parsePhpQuery(query),
    post,
    bodyParams: {},
    sent: sentBody(raw, mediaType),
  };
  if (isJsonMediaType(contentType)) {
    const parsed = parseJsonBody(raw);
    if (parsed instanceof Error)
      request.bodyError = wooError(400, 'rest_invalid_json', 'Invalid JSON body passed.', {
        json_error_code: 4,
        json_error_message: 'Syntax error',
      });
    else request.bodyParams = parsed;
  } else if (method === 'POST') {
    request.bodyParams = phpObject(post);
  } else if (mediaType === '' || isForm) {
    // WP_REST_Request::parse_body_params() reads any other method's body as a form, even without a Content-Type.
    request.bodyParams = phpObject(parsePhpQuery(bytes));
  }
  return request;
}

/** wp_is_json_media_type(). */
function isJsonMediaType(contentType: string): boolean {
  return /(^|\s|,)application\/([\w!#$&\-^.+]+\+)?json(\+oembed)?($|\s|;|,)/i.test(contentType);
}

function parseJsonBody(raw: Buffer): Json | Error {
  if (raw.length === 0) return {};
  try {
    const parsed = JSON.parse(raw.toString('utf8')) as unknown;
    return isRecord(parsed) ? parsed : {};
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function sentBody(raw: Buffer, mediaType: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (mediaType === 'application/x-www-form-urlencoded') return phpObject(parsePhpQuery(raw.toString('latin1')));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Dispatch, in WordPress's order: authentication, key permissions, route, body, arguments, permission callback

function answerRequest(state: State, request: WooRequest): Answer {
  const route = restRoute(request.path);
  if (route === undefined) return noRoute();
  if (!/^\/wc[/-]/i.test(route)) return notModeled(request.method, route);
  const caller = authenticate(state, request);
  if (typeof caller !== 'string') return caller;
  if (caller === 'key') {
    const refused = checkKeyPermissions(state.permissions, request.method);
    if (refused !== undefined) return refused;
  }
  const match = matchRoute(route, request.method);
  if ('status' in match) return match;
  if (request.bodyError !== undefined) return request.bodyError;
  const params: Json = { ...match.url, ...phpObject(request.query), ...request.bodyParams };
  return runAction(state, match, params, caller);
}

/** The REST route from a pretty-permalink path, untrailingslashed; undefined if the path is not under /wp-json. */
function restRoute(path: string): string | undefined {
  const decoded = utf8(urlDecodeBytes(path, false));
  if (decoded !== REST_PREFIX && !decoded.startsWith(`${REST_PREFIX}/`)) return undefined;
  return decoded.slice(REST_PREFIX.length).replace(/\/+$/, '') || '/';
}

const ROUTES: { pattern: RegExp; names: string[]; actions: Partial<Record<string, Action>>; unmodeled: string[] }[] = [
  {
    pattern: /^\/wc\/v3\/orders\/(\d+)$/i,
    names: ['id'],
    actions: { GET: 'get_order', POST: 'update_order', PUT: 'update_order', PATCH: 'update_order' },
    unmodeled: ['DELETE', 'OPTIONS'],
  },
  {
    pattern: /^\/wc\/v3\/orders\/(\d+)\/notes$/i,
    names: ['order_id'],
    actions: { GET: 'list_notes', POST: 'create_note' },
    unmodeled: ['OPTIONS'],
  },
  {
    pattern: /^\/wc\/v3\/products\/(\d+)$/i,
    names: ['id'],
    actions: { GET: 'get_product' },
    unmodeled: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
  },
  {
    pattern: /^\/wc\/v3\/orders\/(\d+)\/notes\/(\d+)$/i,
    names: ['order_id', 'id'],
    actions: { GET: 'get_note' },
    unmodeled: ['DELETE', 'OPTIONS'],
  },
];

function matchRoute(route: string, method: string): RouteMatch | Answer {
  const verb = method === 'HEAD' ? 'GET' : method;
  for (const candidate of ROUTES) {
    const found = candidate.pattern.exec(route);
    if (found === null) continue;
    const action = candidate.actions[verb];
    if (action === undefined) return candidate.unmodeled.includes(verb) ? notModeled(method, route) : noRoute();
    const url = Object.fromEntries(candidate.names.map((name, i) => [name, Number(found[i + 1])]));
    return { action, url };
  }
  return notModeled(method, route);
}

function noRoute(): Answer {
  return wooError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
}

function notModeled(method: string, route: string): Answer {
  return wooError(
    501,
    'fake_woocommerce_not_modeled',
    `The WooCommerce fake does not model ${method} ${route}; it serves GET/PUT/POST/PATCH /wc/v3/orders/<id>, GET/POST /wc/v3/orders/<id>/notes(/<id>) and GET /wc/v3/products/<id>.`,
  );
}

function runAction(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  switch (match.action) {
    case 'get_order':
      return getOrder(state, match, params, caller);
    case 'update_order':
      return updateOrder(state, match, params, caller);
    case 'list_notes':
      return listNotes(state, match, params, caller);
    case 'create_note':
      return createNote(state, match, params, caller);
    case 'get_note':
      return getNote(state, match, params, caller);
    case 'get_product':
      return getProduct(state, match, params, caller);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication: WC_REST_Authentication over plain HTTP (OAuth 1.0a one-legged; Basic auth is never looked at)

function authenticate(state: State, request: WooRequest): Caller | Answer {
  const params = phpArrayMerge(request.query, request.post, headerOAuthParams(request.headers));
  const missing = OAUTH_REQUIRED.filter((name) => phpEmpty(params.get(name)));
  // Not even trying OAuth: the caller stays anonymous and meets the endpoint's permission check instead.
  if (missing.length === OAUTH_REQUIRED.length) return 'anonymous';
  if (missing.length > 0) {
    const message = `Missing OAuth parameter${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
    return wooError(401, 'woocommerce_rest_authentication_missing_parameter', message);
  }
  const key = params.get('oauth_consumer_key');
  if (typeof key !== 'string' || sanitizeTextField(utf8(key)) !== state.consumerKey) return authError('Consumer key is invalid.');
  return checkSignature(state, request, params) ?? checkTimestampAndNonce(state, params) ?? 'key';
}

function authError(message: string): Answer {
  return wooError(401, 'woocommerce_rest_authentication_error', message);
}

/** WC_REST_Authentication::parse_header(): `oauth_*` pairs of an `Authorization: OAuth ...` header, urldecoded. */
function headerOAuthParams(headers: IncomingHttpHeaders): PhpArray {
  const params: PhpArray = new Map();
  const header = (headers.authorization ?? '').trim();
  if (!header.startsWith('OAuth ')) return params;
  for (const found of header.matchAll(/(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))/g)) {
    const quoted = found[3];
    params.set(found[1] ?? '', urlDecodeBytes(phpEmpty(quoted) ? (found[4] ?? '') : (quoted ?? ''), true));
  }
  return params;
}

function checkSignature(state: State, request: WooRequest, params: PhpArray): Answer | undefined {
  const provided = params.get('oauth_signature');
  const method = params.get('oauth_signature_method');
  const signed = new Map(params);
  signed.delete('oauth_signature');
  const baseString = wooSignatureBaseString(request.method.toUpperCase(), baseRequestUri(state.url, request.path), signed);
  if (method !== 'HMAC-SHA1' && method !== 'HMAC-SHA256') return authError('Invalid signature - signature method is invalid.');
  // The key is the raw consumer secret and '&'; RFC 5849 would percent-encode the secret first.
  const expected = createHmac(method === 'HMAC-SHA1' ? 'sha1' : 'sha256', `${state.consumerSecret}&`)
    .update(Buffer.from(baseString, 'latin1'))
    .digest('base64');
  // PHP already urldecoded the query (turning '+' into ' '); WooCommerce puts the '+' back and decodes once more.
  const received = typeof provided === 'string' ? urlDecodeBytes(provided.replace(/ /g, '+'), false) : '';
  return hashEquals(expected, received) ? undefined : authError('Invalid signature - provided signature does not match.');
}

/**
 * WC_REST_Authentication::check_oauth_signature(): METHOD & rawurlencode(home URL + request path) & the parameters
 * sorted by raw key (strcmp), keys and values rawurlencoded, nested arrays flattened to `key%5Bsub%5D`, each
 * `key=value` rawurlencoded again and joined with '%26'.
 */
function wooSignatureBaseString(method: string, baseUri: string, params: PhpArray): string {
  const sorted = [...params].sort(([a], [b]) => strcmp(a, b));
  const normalized: [string, PhpValue][] = sorted.map(([key, value]) => [rawUrlEncode(key), encodeLeaves(value)]);
  return `${method}&${rawUrlEncode(baseUri)}&${joinWithEqualsSign(normalized, '').join('%26')}`;
}

function encodeLeaves(value: PhpValue): PhpValue {
  return typeof value === 'string' ? rawUrlEncode(value) : new Map([...value].map(([key, inner]) => [key, encodeLeaves(inner)]));
}

function joinWithEqualsSign(entries: Iterable<[string, PhpValue]>, prefix: string): string[] {
  const pairs: string[] = [];
  for (const [key, value] of entries) {
    // PHP's `if ( $key )`: a prefix of '0' counts as no prefix.
    const name = prefix !== '' && prefix !== '0' ? `${prefix}%5B${key}%5D` : key;
    if (typeof value === 'string') pairs.push(rawUrlEncode(`${name}=${value}`));
    else pairs.push(...joinWithEqualsSign(value, name));
  }
  return pairs;
}

/** get_home_url( null, $request_path ) for a site at the root: home URL, '/', the path as sent minus leading slashes. */
function baseRequestUri(homeUrl: string, path: string): string {
  const relative = path.replace(/^\/+/, '');
  return relative === '' ? homeUrl : `${homeUrl}/${relative}`;
}

function checkTimestampAndNonce(state: State, params: PhpArray): Answer | undefined {
  const nowS = Math.floor(state.now() / 1000);
  const timestamp = params.get('oauth_timestamp');
  const nonce = params.get('oauth_nonce');
  if (typeof timestamp !== 'string' || !phpBetween(timestamp, nowS - WOO_OAUTH_WINDOW_S, nowS + WOO_OAUTH_WINDOW_S))
    return authError('Invalid timestamp.');
  // WooCommerce keys its nonce list by timestamp, so a second request in the same second evicts the first nonce;
  // the fake remembers every nonce for the whole window instead.
  if (typeof nonce !== 'string' || state.nonces.has(nonce)) return authError('Invalid nonce - nonce has already been used.');
  state.nonces.set(nonce, Number(timestamp));
  for (const [used, at] of state.nonces) if (!(at >= nowS - WOO_OAUTH_WINDOW_S)) state.nonces.delete(used);
  return undefined;
}

/** PHP 8's `$low <= $value <= $high` for a request string: numerically if numeric, else as strings. */
function phpBetween(value: string, low: number, high: number): boolean {
  if (/^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?[ \t\n\r\v\f]*$/.test(value)) {
    const number = Number(value.trim());
    return number >= low && number <= high;
  }
  return strcmp(value, String(low)) >= 0 && strcmp(value, String(high)) <= 0;
}

function hashEquals(known: string, user: string): boolean {
  const a = Buffer.from(known, 'latin1');
  const b = Buffer.from(user, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkKeyPermissions(permissions: WooKeyPermissions, method: string): Answer | undefined {
  switch (method) {
    case 'HEAD':
    case 'GET':
      return permissions === 'write' ? authError('The API key provided does not have read permissions.') : undefined;
    case 'POST':
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return permissions === 'read' ? authError('The API key provided does not have write permissions.') : undefined;
    case 'OPTIONS':
      return undefined;
    default:
      return authError('Unknown request method.');
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

function getOrder(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  if (caller === 'anonymous') return wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.');
  const order = state.orders.get(match.url['id'] ?? 0);
  if (order === undefined) return wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
  return { status: 200, body: orderResource(state, order) };
}

/** WC_REST_Products_Controller::get_item: a product by id; trashed or unknown ids are 404. */
function getProduct(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  if (caller === 'anonymous') return wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.');
  const product = state.products.get(match.url['id'] ?? 0);
  if (product === undefined) return wooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
  return { status: 200, body: structuredClone(product) };
}

function updateOrder(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  const issues = validateOrderUpdate(params);
  if (issues.length > 0) return invalidParams(issues);
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  if (caller === 'anonymous') return wooError(401, 'woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.');
  const order = state.orders.get(match.url['id'] ?? 0);
  if (order === undefined) return wooError(400, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
  const unmodeled = UNMODELED_ORDER_PARAMS.filter((name) => params[name] !== undefined && params[name] !== null);
  if (unmodeled.length > 0) {
    return wooError(
      501,
      'fake_woocommerce_not_modeled',
      `The WooCommerce fake does not apply ${unmodeled.join(', ')}; it updates status, meta_data, ${ORDER_STRING_PARAMS.join(', ')}.`,
    );
  }
  applyOrderUpdate(state, order, params);
  return { status: 200, body: orderResource(state, order) };
}

function validateOrderUpdate(params: Json): Issue[] {
  const issues: (Issue | undefined)[] = [];
  if (params['status'] !== undefined && params['status'] !== null) issues.push(checkEnum(params['status'], 'status', ORDER_STATUSES));
  if (params['meta_data'] !== undefined && params['meta_data'] !== null) issues.push(checkMetaData(params['meta_data'], 'meta_data'));
  for (const name of ORDER_STRING_PARAMS)
    if (params[name] !== undefined && params[name] !== null) issues.push(checkString(params[name], name));
  return issues.filter((issue): issue is Issue => issue !== undefined);
}

/** WC_REST_Orders_Controller::save_object() for the modelled fields, then WC_Order::save(). */
function applyOrderUpdate(state: State, order: WooOrder, params: Json): void {
  numberMeta(state, order);
  for (const entry of metaEntries(params['meta_data'])) updateMetaData(state, order, entry);
  // WC_Data::save_meta_data() deletes entries whose value ended up null.
  order.meta_data = order.meta_data.filter((meta) => meta.value !== null);
  for (const name of ORDER_STRING_PARAMS) {
    const value = params[name];
    if (typeof value === 'string') order[name] = name === 'payment_method_title' ? sanitizeTextField(value) : value;
  }
  const status = params['status'];
  const from = order.status;
  const to = typeof status === 'string' && status !== '' && status !== from ? (status as WooOrderStatus) : undefined;
  const now = siteDates(state.now(), state.timeZone);
  if (to !== undefined) setStatus(order, to, now);
  order.version = FAKE_WC_VERSION;
  order.date_modified = now.local;
  order.date_modified_gmt = now.gmt;
  if (to !== undefined)
    addNote(state, order.id, `Order status changed from ${statusName(from)} to ${statusName(to)}.`, false, SYSTEM_NOTE_AUTHOR);
}

/** WC_Order::set_status() with maybe_set_date_paid() and maybe_set_date_completed(). */
function setStatus(order: WooOrder, to: WooOrderStatus, now: SiteDates): void {
  order.status = to;
  const paidStatus = order.needs_processing === false ? 'completed' : 'processing';
  if (order.date_paid === null && (to === paidStatus || (paidStatus === 'processing' && to === 'completed'))) {
    order.date_paid = now.local;
    order.date_paid_gmt = now.gmt;
  }
  if (to === 'completed') {
    order.date_completed = now.local;
    order.date_completed_gmt = now.gmt;
  }
}

function statusName(status: string): string {
  return STATUS_NAMES[status] ?? status;
}

interface MetaEntry {
  id: number;
  key: string;
  value: unknown;
}

function metaEntries(value: unknown): MetaEntry[] {
  return (phpList(value) ?? []).filter(isRecord).map((meta) => ({
    id: meta['id'] === undefined ? 0 : Math.trunc(Number(meta['id'])),
    key: meta['key'] as string,
    value: meta['value'] === undefined ? null : phpJsonRoundTrip(meta['value']),
  }));
}

/**
 * WC_Data::update_meta_data( $key, $value, $meta_id ): an id updates that entry (key included); without one, the
 * first entry with the key takes the value and any other with the same key is dropped; a key or id that matches
 * nothing adds a new entry, replacing every entry with that key.
 */
function updateMetaData(state: State, order: WooOrder, entry: MetaEntry): void {
  const list = order.meta_data;
  let index = -1;
  if (entry.id !== 0) {
    index = list.findIndex((meta) => meta.id === entry.id);
  } else {
    const matches = list.flatMap((meta, i) => (meta.key === entry.key ? [i] : []));
    for (const i of matches) list[i] = { ...(list[i] as WooMetaData), value: null };
    index = matches[0] ?? -1;
  }
  const found = list[index];
  if (found !== undefined) {
    list[index] = { ...found, key: entry.key, value: entry.value };
    return;
  }
  order.meta_data = [
    ...list.filter((meta) => meta.key !== entry.key),
    { id: nextMetaId(state, order), key: entry.key, value: entry.value },
  ];
}

function nextMetaId(state: State, order: WooOrder): number {
  const highest = Math.max(state.lastMetaId, ...[...state.orders.values(), order].flatMap((o) => o.meta_data.map((meta) => meta.id ?? 0)));
  state.lastMetaId = highest + 1;
  return state.lastMetaId;
}

/** Gives entries a test put in without an id the id a store would have given them. */
function numberMeta(state: State, order: WooOrder): void {
  for (const meta of order.meta_data) if (meta.id === undefined) meta.id = nextMetaId(state, order);
}

function orderResource(state: State, order: WooOrder): WooOrder {
  numberMeta(state, order);
  const base = `${state.url}${REST_PREFIX}/wc/v3`;
  const links: Record<string, unknown> = {
    self: [{ href: `${base}/orders/${order.id}`, targetHints: { allow: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] } }],
    collection: [{ href: `${base}/orders` }],
  };
  if (order.customer_id !== 0) links['customer'] = [{ href: `${base}/customers/${order.customer_id}` }];
  if (order.parent_id !== 0) links['up'] = [{ href: `${base}/orders/${order.parent_id}` }];
  return { ...structuredClone(order), _links: links };
}

// ---------------------------------------------------------------------------------------------------------------
// Order notes

function listNotes(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  const type = params['type'];
  const issue = type === undefined || type === null ? undefined : checkEnum(type, 'type', NOTE_TYPES);
  if (issue !== undefined) return invalidParams([issue]);
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  if (caller === 'anonymous') return wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
  const orderId = match.url['order_id'] ?? 0;
  if (!state.orders.has(orderId)) return wooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid order ID.');
  const notes = orderNotes(state, orderId)
    .filter((note) => type !== 'customer' || note.customerNote)
    .filter((note) => type !== 'internal' || !note.customerNote);
  return { status: 200, body: notes.map((note) => noteResourceWithLinks(state, note)) };
}

function createNote(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  if (params['note'] === undefined || params['note'] === null)
    return wooError(400, 'rest_missing_callback_param', 'Missing parameter(s): note', { params: ['note'] });
  const issues = [
    checkString(params['note'], 'note'),
    checkBoolean(params['customer_note'], 'customer_note'),
    checkBoolean(params['added_by_user'], 'added_by_user'),
  ];
  const invalid = issues.filter((issue): issue is Issue => issue !== undefined);
  if (invalid.length > 0) return invalidParams(invalid);
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  if (caller === 'anonymous') return wooError(401, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.');
  if (!phpEmpty(params['id'])) return wooError(400, 'woocommerce_rest_shop_order_exists', 'Cannot create existing shop_order.');
  const orderId = match.url['order_id'] ?? 0;
  if (!state.orders.has(orderId)) return wooError(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
  const author = restBoolean(params['added_by_user']) ? state.userDisplayName : SYSTEM_NOTE_AUTHOR;
  // wp_insert_comment() unslashes its input and WC_Order::add_order_note() does not slash the note first, so backslashes are lost.
  const note = addNote(state, orderId, stripSlashes(params['note'] as string), restBoolean(params['customer_note']), author);
  const location = `${state.url}${REST_PREFIX}/wc/v3/orders/${orderId}/notes/${note.id}`;
  return { status: 201, body: noteResourceWithLinks(state, note), headers: { location } };
}

function getNote(state: State, match: RouteMatch, params: Json, caller: Caller): Answer {
  const overridden = checkUrlParams(params, match.url);
  if (overridden !== undefined) return overridden;
  const orderId = match.url['order_id'] ?? 0;
  // The permission check only runs against an order that exists; a missing one falls through to 404.
  if (caller === 'anonymous' && state.orders.has(orderId))
    return wooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.');
  if (!state.orders.has(orderId)) return wooError(404, 'woocommerce_rest_order_invalid_id', 'Invalid order ID.');
  const note = orderNotes(state, orderId).find((candidate) => candidate.id === match.url['id']);
  if (note === undefined) return wooError(404, 'woocommerce_rest_invalid_id', 'Invalid resource ID.');
  return { status: 200, body: noteResourceWithLinks(state, note) };
}

/**
 * WC_Order::add_order_note(). It inserts a comment and does not save the order, so the order's `date_modified`
 * stays as it was.
 */
function addNote(state: State, orderId: number, text: string, customerNote: boolean, author: string): StoredNote {
  const dates = siteDates(state.now(), state.timeZone);
  state.lastNoteId += 1;
  const note: StoredNote = { id: state.lastNoteId, orderId, author, dateLocal: dates.local, dateGmt: dates.gmt, note: text, customerNote };
  state.notes.set(orderId, [...(state.notes.get(orderId) ?? []), note]);
  return note;
}

/** Newest first, as get_comments() orders them. */
function orderNotes(state: State, orderId: number): StoredNote[] {
  return [...(state.notes.get(orderId) ?? [])].sort((a, b) => b.id - a.id);
}

function noteResource(note: StoredNote): WooOrderNote {
  return {
    id: note.id,
    author: note.author,
    date_created: note.dateLocal,
    date_created_gmt: note.dateGmt,
    note: note.note,
    customer_note: note.customerNote,
  };
}

function noteResourceWithLinks(state: State, note: StoredNote): Json {
  const base = `${state.url}${REST_PREFIX}/wc/v3/orders/${note.orderId}`;
  const links = { self: [{ href: `${base}/notes/${note.id}` }], collection: [{ href: `${base}/notes` }], up: [{ href: base }] };
  return { ...noteResource(note), _links: links };
}

// ---------------------------------------------------------------------------------------------------------------
// WP REST argument checks (rest_validate_value_from_schema and friends)

/**
 * WP_REST_Request gives body and query-string parameters precedence over URL ones, so `{"id": 7}` sent to
 * /orders/5 would update order 7 on a real store. The fake refuses that rather than follow it.
 */
function checkUrlParams(params: Json, url: Record<string, number>): Answer | undefined {
  for (const [name, fromUrl] of Object.entries(url)) {
    const value = params[name];
    if (value === undefined || value === null || phpIntval(value) === fromUrl) continue;
    const message = `The request's ${name} ${JSON.stringify(value)} overrides the URL's ${fromUrl}; WordPress would act on ${JSON.stringify(value)}.`;
    return wooError(400, 'fake_woocommerce_url_param_overridden', message);
  }
  return undefined;
}

function invalidParams(issues: Issue[]): Answer {
  const byParam = new Map<string, Issue>();
  for (const issue of issues) if (!byParam.has(rootParam(issue.param))) byParam.set(rootParam(issue.param), issue);
  const names = [...byParam.keys()];
  return wooError(400, 'rest_invalid_param', `Invalid parameter(s): ${names.join(', ')}`, {
    params: Object.fromEntries([...byParam].map(([name, issue]) => [name, issue.message])),
    details: Object.fromEntries(
      [...byParam].map(([name, issue]) => [name, { code: issue.code, message: issue.message, data: { param: issue.param } }]),
    ),
  });
}

function rootParam(param: string): string {
  return param.split('[')[0] ?? param;
}

function typeIssue(param: string, type: string): Issue {
  return { param, code: 'rest_invalid_type', message: `${param} is not of type ${type}.` };
}

function checkString(value: unknown, param: string): Issue | undefined {
  return typeof value === 'string' ? undefined : typeIssue(param, 'string');
}

function checkEnum(value: unknown, param: string, options: string[]): Issue | undefined {
  const typed = checkString(value, param);
  if (typed !== undefined) return typed;
  return options.includes(value as string)
    ? undefined
    : { param, code: 'rest_not_in_enum', message: `${param} is not one of ${wpList(options)}.` };
}

/** rest_is_boolean(); undefined and null are not checked, as WordPress skips unset arguments. */
function checkBoolean(value: unknown, param: string): Issue | undefined {
  if (value === undefined || value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'string' && ['false', 'true', '0', '1'].includes(value.toLowerCase())) return undefined;
  return value === 0 || value === 1 ? undefined : typeIssue(param, 'boolean');
}

/** rest_sanitize_boolean(). */
function restBoolean(value: unknown): boolean {
  if (typeof value === 'string') return !['false', '0', ''].includes(value.toLowerCase());
  return Boolean(value);
}

/**
 * The `meta_data` schema: an array of objects with an integer `id`, a string `key` and a `value` of any type.
 * WordPress does not require `key`; the fake does, since PHP would go on with a null key.
 */
function checkMetaData(value: unknown, param: string): Issue | undefined {
  const list = phpList(value);
  if (list === undefined) return typeIssue(param, 'array');
  for (const [index, meta] of list.entries()) {
    const at = `${param}[${index}]`;
    if (!isRecord(meta)) return typeIssue(at, 'object');
    if (meta['id'] !== undefined && !isRestInteger(meta['id'])) return typeIssue(`${at}[id]`, 'integer');
    if (meta['key'] === undefined) return { param: at, code: 'rest_property_required', message: `key is a required property of ${at}.` };
    if (typeof meta['key'] !== 'string') return typeIssue(`${at}[key]`, 'string');
  }
  return undefined;
}

/** rest_is_array() then rest_sanitize_array(): lists, objects with integer keys, and scalars read as comma lists. */
function phpList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (isRecord(value)) return Object.keys(value).every(isPhpIntKey) ? Object.values(value) : undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value === true ? 1 : value === false ? '' : value)
      .split(/[\s,]+/)
      .filter((item) => item !== '');
  }
  return undefined;
}

function isRestInteger(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value);
  return typeof value === 'string' && /^\s*[+-]?\d+(\.0*)?\s*$/.test(value);
}

/** PHP's (int) cast of a request value. */
function phpIntval(value: unknown): number {
  if (typeof value === 'number') return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return Number.parseInt(value.trim(), 10) || 0;
  return Number.NaN;
}

/** wp_sprintf()'s `%l`: "a", "a and b", "a, b, and c". */
function wpList(items: string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1] ?? ''}`;
}

/** What json_decode( , true ) then wp_json_encode() make of a value: an empty or 0..n-keyed object becomes a list. */
function phpJsonRoundTrip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(phpJsonRoundTrip);
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((key, i) => key === String(i))) return Object.values(value).map(phpJsonRoundTrip);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, phpJsonRoundTrip(inner)]));
}

/** A simplified sanitize_text_field(): tags stripped, whitespace collapsed, percent-encoded octets removed, trimmed. */
function sanitizeTextField(text: string): string {
  const untagged = text.includes('<') ? text.replace(/<[^>]*>/g, '') : text;
  const collapsed = untagged.replace(/[\r\n\t ]+/g, ' ').trim();
  const stripped = collapsed.replace(/%[a-f0-9]{2}/gi, '');
  return stripped === collapsed ? collapsed : stripped.replace(/ +/g, ' ').trim();
}

/** PHP's stripslashes(). */
function stripSlashes(text: string): string {
  return text.replace(/\\(.?)/gs, (_match, next: string) => (next === '0' ? '\0' : next));
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------------------------
// PHP request variables: byte strings (one char per byte) in insertion-ordered arrays

type PhpValue = string | PhpArray;
type PhpArray = Map<string, PhpValue>;

/** parse_str() / how PHP fills $_GET and $_POST, keys and values as byte strings. */
function parsePhpQuery(query: string): PhpArray {
  const result: PhpArray = new Map();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = urlDecodeBytes(eq === -1 ? pair : pair.slice(0, eq), true);
    registerPhpVariable(result, name, urlDecodeBytes(eq === -1 ? '' : pair.slice(eq + 1), true));
  }
  return result;
}

function registerPhpVariable(target: PhpArray, name: string, value: string): void {
  const { base, indices } = splitPhpName(name);
  if (base === '') return;
  let container = target;
  let key: string | null = base;
  for (const index of indices) {
    const existing: PhpValue | undefined = key === null ? undefined : container.get(key);
    const next: PhpArray = existing instanceof Map ? existing : new Map();
    if (next !== existing) phpSet(container, key, next);
    container = next;
    key = index;
  }
  phpSet(container, key, value);
}

/**
 * php_register_variable_ex(): leading spaces dropped; ' ' and '.' in the base name become '_'; `[...]` groups
 * become nested keys (`[]` appends); an unclosed first '[' turns into '_'.
 */
function splitPhpName(raw: string): { base: string; indices: (string | null)[] } {
  const name = raw.replace(/^ +/, '');
  const open = name.indexOf('[');
  const head = (open === -1 ? name : name.slice(0, open)).replace(/[ .]/g, '_');
  if (open === -1) return { base: head, indices: [] };
  const indices: (string | null)[] = [];
  let rest = name.slice(open);
  while (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) {
      if (indices.length === 0) return { base: `${head}_${rest.slice(1).replace(/[ .[]/g, '_')}`, indices: [] };
      break;
    }
    const index = rest.slice(1, close).replace(/^[ \r\n\t]+/, '');
    indices.push(index === '' ? null : index);
    rest = rest.slice(close + 1);
  }
  return { base: head, indices };
}

function phpSet(array: PhpArray, key: string | null, value: PhpValue): void {
  array.set(key ?? String(phpNextIndex(array)), value);
}

function phpNextIndex(array: PhpArray): number {
  let next = 0;
  for (const key of array.keys()) if (isPhpIntKey(key)) next = Math.max(next, Number(key) + 1);
  return next;
}

/** A key PHP stores as an integer. */
function isPhpIntKey(key: string): boolean {
  return /^(0|-?[1-9]\d{0,17})$/.test(key);
}

/** array_merge(): string keys overwrite in place, integer keys are renumbered and appended. */
function phpArrayMerge(...arrays: PhpArray[]): PhpArray {
  const merged: PhpArray = new Map();
  for (const array of arrays) for (const [key, value] of array) phpSet(merged, isPhpIntKey(key) ? null : key, value);
  return merged;
}

/** PHP's empty() on a request value. */
function phpEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === '0' || value === 0 || value === false) return true;
  return value instanceof Map ? value.size === 0 : false;
}

/** A PHP array as the JSON-decoded value WordPress would hand the endpoint, strings as UTF-8. */
function phpObject(array: PhpArray): Json {
  return Object.fromEntries([...array].map(([key, value]) => [utf8(key), phpToJs(value)]));
}

function phpToJs(value: PhpValue): unknown {
  if (typeof value === 'string') return utf8(value);
  const keys = [...value.keys()];
  return keys.every((key, i) => key === String(i)) ? [...value.values()].map(phpToJs) : phpObject(value);
}

function strcmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function urlDecodeBytes(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace ? text.replace(/\+/g, ' ') : text;
  return spaced.replace(/%([0-9a-fA-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** PHP's rawurlencode() on a byte string (RFC 3986: only A-Z a-z 0-9 - . _ ~ left as they are). */
function rawUrlEncode(bytes: string): string {
  let out = '';
  for (const char of bytes) {
    const code = char.charCodeAt(0);
    if (/[A-Za-z0-9\-._~]/.test(char)) out += char;
    else if (code < 256) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += Array.from(Buffer.from(char, 'utf8'), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

function utf8(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

interface SiteDates {
  local: string;
  gmt: string;
}

/** wc_rest_prepare_date_response(): whole seconds, no offset, in the site's zone and in UTC. */
function siteDates(ms: number, timeZone: string): SiteDates {
  const date = new Date(Math.floor(ms / 1000) * 1000);
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const part = Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
  const local = `${part['year']}-${part['month']}-${part['day']}T${part['hour']}:${part['minute']}:${part['second']}`;
  return { local, gmt: date.toISOString().slice(0, 19) };
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks: what WC_Webhook::deliver() and deliver_ping() send

/** JSON as wp_json_encode() writes it: '/' escaped as '\/', everything beyond ASCII as \uXXXX. */
export function encodeWooJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[/\u0080-\uffff]/g, (char) =>
    char === '/' ? '\\/' : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** X-WC-Webhook-Signature: base64 HMAC-SHA256 of the raw body, keyed with the webhook secret. */
export function signWooWebhook(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * X-WC-Webhook-Delivery-ID as WC_Webhook::get_new_delivery_id() makes it: `wp_hash( $webhook_id . time() )`, an
 * HMAC-MD5. Two deliveries of one webhook within the same second therefore share an id, retries included.
 */
export function wooDeliveryId(webhookId: number, atMs: number = Date.now()): string {
  return createHmac('md5', FAKE_AUTH_SALT)
    .update(`${webhookId}${Math.floor(atMs / 1000)}`)
    .digest('hex');
}

/**
 * POSTs one webhook delivery to `url` as a WooCommerce store does: the body is `wp_json_encode()` of the order's
 * REST representation (only `{"id": ...}` for order.deleted), signed, with the X-WC-Webhook-* headers. Redirects are
 * not followed. WooCommerce counts 200-302 as delivered.
 */
export async function deliverWooWebhook(url: string, delivery: WooWebhookDelivery): Promise<WooWebhookResponse> {
  const event = delivery.topic.slice('order.'.length);
  const payload = event === 'deleted' ? { id: deletedOrderId(delivery.order) } : delivery.order;
  const body = encodeWooJson(payload).trim();
  const webhookId = delivery.webhookId ?? DEFAULT_WEBHOOK_ID;
  const source = delivery.sourceUrl ?? DEFAULT_SOURCE_URL;
  return post(url, body, {
    'Content-Type': 'application/json',
    'User-Agent': WOO_WEBHOOK_USER_AGENT,
    'X-WC-Webhook-Source': source.endsWith('/') ? source : `${source}/`,
    'X-WC-Webhook-Topic': delivery.topic,
    'X-WC-Webhook-Resource': 'order',
    'X-WC-Webhook-Event': event,
    'X-WC-Webhook-Signature': delivery.signature ?? signWooWebhook(body, delivery.secret),
    'X-WC-Webhook-ID': String(webhookId),
    'X-WC-Webhook-Delivery-ID': delivery.deliveryId ?? wooDeliveryId(webhookId),
  });
}

/**
 * The ping WooCommerce sends when a webhook is created: form body `webhook_id=<id>`, no signature and no
 * X-WC-Webhook-* headers. WooCommerce refuses to save the webhook unless the answer is exactly 200.
 */
export async function pingWooWebhook(url: string, webhookId: number): Promise<WooWebhookResponse> {
  return post(url, `webhook_id=${webhookId}`, {
    'Content-Type': 'application/x-www-form-urlencoded',
    'User-Agent': WOO_WEBHOOK_USER_AGENT,
  });
}

function deletedOrderId(order: object): number {
  const id = (order as { id?: unknown }).id;
  if (typeof id !== 'number') throw new Error('order.deleted needs the order id');
  return id;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<WooWebhookResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text() };
}
