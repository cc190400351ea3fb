import { createPublicKey, generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkImage,
  checkLocalized,
  isDraftClass,
  isNonEmptyString,
  isRecord,
  parseCollection,
  validateVerticalClass,
  validateVerticalObject,
  type FakeGoogleVertical,
} from './fake-google-verticals';
import { readBody } from './read-body';

/**
 * A local stand-in for Google's OAuth 2.0 token endpoint (service-account JWT-bearer grant) and the Google Wallet
 * Objects REST API (generic, event ticket, flight, transit, offer and loyalty classes and objects), as strict as
 * Google is about what Passmint sends: each vertical's required fields (fake-google-verticals.ts), ids
 * `<issuerId>.<suffix>` unique across the issuer, an object's class existing in the same vertical.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * @see https://developers.google.com/wallet/generic/rest/v1/genericobject
 * @see https://developers.google.com/wallet/reference/rest/v1/Message
 * @see https://developers.google.com/wallet/generic/use-cases/trigger-push-notifications
 */

/** The JSON key file Google issues for a service account. */
export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  token_uri: string;
}

export interface FakeGoogleOptions {
  /** The Wallet issuer id, e.g. '3388000000012345678'; every class and object id must start with `<issuerId>.`. */
  issuerId: string;
  /**
   * Service accounts whose RS256 assertions the token endpoint accepts (`iss` = email), each
   * authorised for `issuerIds` (default: `issuerId` only); a call on another issuer's class or
   * object answers 403, as Google does for an account not added to that issuer.
   */
  serviceAccounts: { email: string; publicKeyPem: string; issuerIds?: string[] }[];
  /** Clock (ms) for assertion checks, token expiry and the 24 h notification window; default `Date.now`. */
  now?: () => number;
}

export interface FakeGoogleCall {
  method: string;
  /** The path without the query string. */
  path: string;
  /** Parsed body: JSON for the API, the form fields for `/token`, the raw text if unparseable, undefined if empty or too large. */
  body: unknown;
  status: number;
}

export interface FakeGoogleMessage {
  objectId: string;
  messageType: string;
  header?: string;
  body?: string;
  at: number;
}

/** The settings that point a Passmint server at this fake: its issuer, service account file and URLs. */
export function googleServerEnv(
  fake: Pick<FakeGoogle, 'apiUrl' | 'tokenUrl'>,
  issuerId: string,
  serviceAccountPath: string,
): Record<string, string> {
  return {
    PASSMINT_GOOGLE_ISSUER_ID: issuerId,
    PASSMINT_GOOGLE_SERVICE_ACCOUNT: serviceAccountPath,
    PASSMINT_GOOGLE_API_URL: fake.apiUrl,
    PASSMINT_GOOGLE_TOKEN_URL: fake.tokenUrl,
  };
}

export interface FakeGoogle {
  /** `${base}/token`, base = http://127.0.0.1:<port> (plain HTTP on loopback). */
  tokenUrl: string;
  /** `${base}/walletobjects/v1` */
  apiUrl: string;
  classes: Map<string, Record<string, unknown>>;
  objects: Map<string, Record<string, unknown>>;
  /** The vertical a class or object id was inserted in (`eventTicket`, `flight`, …). */
  verticalOf(id: string): FakeGoogleVertical | undefined;
  /** Every call, in order (token calls too). */
  calls: FakeGoogleCall[];
  /** Every accepted addMessage, in order. */
  messages: FakeGoogleMessage[];
  /** The next n API calls (not token calls) answer `status` without touching state. */
  failNext(n: number, status: number): void;
  /**
   * A slow Google: API calls (not token calls) get no answer until `release()`, which answers
   * them all, in order; held calls are not in `calls` until then.
   */
  hold(): void;
  release(): void;
  /** API calls waiting for `release()`. */
  heldCalls(): number;
  /** Every API call answers 503 until `up()`; the token endpoint keeps working. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export const WALLET_OBJECT_ISSUER_SCOPE = 'https://www.googleapis.com/auth/wallet_object.issuer';
export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Largest accepted request body, bytes. */
export const GOOGLE_MAX_BODY_BYTES = 1024 * 1024;
/** Notification-triggering (TEXT_AND_NOTIFY) messages allowed per object per rolling 24 h. */
export const GOOGLE_NOTIFY_LIMIT = 3;

const TOKEN_LIFETIME_S = 3599;
const MAX_ASSERTION_LIFETIME_S = 3600;
const CLOCK_SKEW_S = 60;
const DAY_MS = 24 * 60 * 60 * 1000;
const API_PREFIX = '/walletobjects/v1/';
const SUFFIX_PATTERN = /^[A-Za-z0-9._-]+$/;
const TEXT_MODULE_ID_PATTERN = /^[A-Za-z0-9_]+$/;
const HEX_COLOR_PATTERN = /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$/;
const BARCODE_TYPES = new Set(['QR_CODE', 'PDF_417', 'AZTEC', 'CODE_128']);
const OBJECT_STATES = new Set(['ACTIVE', 'COMPLETED', 'EXPIRED', 'INACTIVE']);
const MESSAGE_TYPES = new Set(['TEXT', 'TEXT_AND_NOTIFY']);
const MAX_TEXT_MODULES = 10;
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const UNAUTHENTICATED_MESSAGE =
  'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ' +
  'See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const SHORT_LIVED_MESSAGE =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
interface IssuedToken {
  email: string;
  expiresAt: number;
}
interface State {
  issuerId: string;
  /** Issuers each account may manage, by email. */
  grants: Map<string, Set<string>>;
  now: () => number;
  accounts: Map<string, KeyObject>;
  tokens: Map<string, IssuedToken>;
  classes: Map<string, Json>;
  objects: Map<string, Json>;
  /** Vertical of each class and object id. */
  verticals: Map<string, FakeGoogleVertical>;
  calls: FakeGoogleCall[];
  messages: FakeGoogleMessage[];
  failures: number[];
  down: boolean;
  /** While Google is slow: the calls waiting for `release()`. */
  held: (() => void)[] | null;
  tokenUrl: string;
}

/** A fresh RSA-2048 service account key, in memory only. `token_uri` defaults to Google's real endpoint. */
export function createServiceAccountKey(options: { email?: string; tokenUri?: string } = {}): {
  key: ServiceAccountKey;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const projectId = 'passmint-test';
  const email = options.email ?? `passmint-${randomBytes(4).toString('hex')}@${projectId}.iam.gserviceaccount.com`;
  const clientId = `1${Array.from(randomBytes(20), (b) => String(b % 10)).join('')}`;
  return {
    key: {
      type: 'service_account',
      project_id: projectId,
      private_key_id: randomBytes(20).toString('hex'),
      private_key: privateKey,
      client_email: email,
      client_id: clientId,
      token_uri: options.tokenUri ?? 'https://oauth2.googleapis.com/token',
    },
    publicKeyPem: publicKey,
  };
}

/**
 * Verifies an RS256 compact JWT (e.g. a "Save to Google Wallet" JWT) with `publicKeyPem` and returns its decoded
 * header and claims. Throws on malformed input, an `alg` other than RS256 or a bad signature. Claims are not checked.
 */
export function verifyGoogleSaveJwt(jwt: string, publicKeyPem: string): { header: Json; claims: Json } {
  const decoded = decodeJwt(jwt);
  if (decoded === undefined) throw new Error('not a compact JWT with a JSON header and claims');
  if (decoded.header['alg'] !== 'RS256') throw new Error(`JWT alg is ${String(decoded.header['alg'])}, not RS256`);
  if (!verifyRs256(decoded, createPublicKey(publicKeyPem))) throw new Error('JWT signature does not verify');
  return { header: decoded.header, claims: decoded.claims };
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const accounts = new Map<string, KeyObject>();
  for (const account of options.serviceAccounts) accounts.set(account.email, createPublicKey(account.publicKeyPem));
  const state: State = {
    issuerId: options.issuerId,
    grants: new Map(options.serviceAccounts.map((account) => [account.email, new Set(account.issuerIds ?? [options.issuerId])])),
    now: options.now ?? Date.now,
    accounts,
    tokens: new Map(),
    classes: new Map(),
    objects: new Map(),
    verticals: new Map(),
    calls: [],
    messages: [],
    failures: [],
    down: false,
    held: null,
    tokenUrl: '',
  };
  const server = http.createServer((req, res) => {
    handleRequest(state, req, res).catch(() => send(res, googleError(500, 'Internal error encountered.')));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  state.tokenUrl = `${base}/token`;
  return {
    tokenUrl: state.tokenUrl,
    apiUrl: `${base}/walletobjects/v1`,
    classes: state.classes,
    objects: state.objects,
    verticalOf: (id) => state.verticals.get(id),
    calls: state.calls,
    messages: state.messages,
    failNext: (n, status) => {
      for (let i = 0; i < n; i += 1) state.failures.push(status);
    },
    hold: () => {
      state.held ??= [];
    },
    heldCalls: () => state.held?.length ?? 0,
    release: () => {
      const held = state.held ?? [];
      state.held = null;
      for (const answer of held) answer();
    },
    down: () => {
      state.down = true;
    },
    up: () => {
      state.down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handleRequest(state: State, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const raw = await readBody(req, GOOGLE_MAX_BODY_BYTES);
  const isToken = path === '/token';
  const held = state.held;
  if (held && !isToken) await new Promise<void>((resume) => held.push(resume));
  const body = raw === null ? undefined : isToken && isForm(req.headers) ? formFields(raw) : parseBody(raw);
  let answer: Answer;
  if (raw === null) answer = googleError(413, `Request payload size exceeds the limit: ${GOOGLE_MAX_BODY_BYTES} bytes.`);
  else if (isToken) answer = handleToken(state, method, req.headers, raw);
  else if (path.startsWith(API_PREFIX)) answer = handleApi(state, method, path.slice(API_PREFIX.length), req.headers, raw);
  else answer = googleError(404, `The requested URL ${path} was not found on this server.`);
  state.calls.push({ method, path, body, status: answer.status });
  send(res, answer);
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
  res.end(JSON.stringify(answer.body));
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth 2.0 token endpoint

function handleToken(state: State, method: string, headers: IncomingHttpHeaders, raw: Buffer): Answer {
  if (method !== 'POST') return oauthError(405, 'invalid_request', `Method ${method} not allowed; use POST.`);
  // Anything but a form body leaves every parameter unset, as Google's form parser would.
  const form = isForm(headers) ? new URLSearchParams(raw.toString('utf8')) : new URLSearchParams();
  const grantType = form.get('grant_type') ?? '';
  if (grantType !== JWT_BEARER_GRANT_TYPE) return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
  const assertion = form.get('assertion');
  if (assertion === null || assertion === '') return oauthError(400, 'invalid_request', 'Missing required parameter: assertion');
  const checked = checkAssertion(state, assertion);
  if (typeof checked !== 'string') return checked;
  const accessToken = `ya29.fake-${randomBytes(32).toString('base64url')}`;
  state.tokens.set(accessToken, { email: checked, expiresAt: state.now() + TOKEN_LIFETIME_S * 1000 });
  return {
    status: 200,
    body: { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S },
    headers: { 'cache-control': 'no-store' },
  };
}

/** The service-account email, or the error answer. */
function checkAssertion(state: State, assertion: string): string | Answer {
  const decoded = decodeJwt(assertion);
  if (decoded === undefined) return oauthError(400, 'invalid_grant', 'Invalid JWT: not a compact JWS with a JSON header and claims.');
  const { header, claims } = decoded;
  if (header['alg'] !== 'RS256') return oauthError(400, 'invalid_grant', 'Invalid JWT: alg must be RS256.');
  const iss = claims['iss'];
  const key = typeof iss === 'string' ? state.accounts.get(iss) : undefined;
  if (typeof iss !== 'string' || key === undefined) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
  if (!verifyRs256(decoded, key)) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  if (claims['aud'] !== state.tokenUrl)
    return oauthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${state.tokenUrl}`);
  const { iat, exp } = claims;
  if (!isNumericDate(iat) || !isNumericDate(exp)) return oauthError(400, 'invalid_grant', SHORT_LIVED_MESSAGE);
  const nowS = state.now() / 1000;
  if (iat > nowS + CLOCK_SKEW_S || exp <= nowS || exp <= iat || exp - iat > MAX_ASSERTION_LIFETIME_S) {
    return oauthError(400, 'invalid_grant', SHORT_LIVED_MESSAGE);
  }
  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ') : [];
  if (!scopes.includes(WALLET_OBJECT_ISSUER_SCOPE))
    return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  return iss;
}

function oauthError(status: number, error: string, description: string): Answer {
  return { status, body: { error, error_description: description } };
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isForm(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function formFields(raw: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

// ---------------------------------------------------------------------------------------------------------------
// Wallet Objects API

type Route = { vertical: FakeGoogleVertical } & (
  | { kind: 'insertClass' }
  | { kind: 'class'; id: string }
  | { kind: 'insertObject' }
  | { kind: 'object'; id: string }
  | { kind: 'addMessage'; id: string }
);

function handleApi(state: State, method: string, rest: string, headers: IncomingHttpHeaders, raw: Buffer): Answer {
  if (state.down) return googleError(503, 'The service is currently unavailable.');
  const failure = state.failures.shift();
  if (failure !== undefined) return googleError(failure, failure === 503 ? 'The service is currently unavailable.' : 'Scripted failure.');
  const route = matchRoute(method, rest);
  if (route === undefined) return googleError(404, `The requested URL ${API_PREFIX}${rest} was not found on this server.`);
  const caller = authorized(state, headers);
  if (caller === undefined) {
    return {
      ...googleError(401, UNAUTHENTICATED_MESSAGE),
      headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
    };
  }
  let body: Json | undefined;
  if (method !== 'GET') {
    const parsed = raw.length === 0 ? undefined : parseJson(raw.toString('utf8'));
    if (!isRecord(parsed)) return googleError(400, 'Invalid JSON payload received. Expected a JSON object.');
    body = parsed;
  }
  const targetId = 'id' in route ? route.id : body?.['id'];
  const issuer = typeof targetId === 'string' ? targetId.split('.')[0] : undefined;
  if (
    issuer !== undefined &&
    issuer !== '' &&
    !(state.grants.get(caller)?.has(issuer) ?? false) &&
    [...state.grants.values()].some((issuers) => issuers.has(issuer))
  ) {
    return googleError(403, `The caller does not have permission for issuer ${issuer}.`);
  }
  const { vertical } = route;
  switch (route.kind) {
    case 'insertClass':
      return insertClass(state, vertical, body ?? {});
    case 'class':
      return method === 'GET'
        ? getResource(state.classes, vertical, route.id, state, 'class')
        : updateClass(state, vertical, route.id, body ?? {}, method === 'PATCH');
    case 'insertObject':
      return insertObject(state, vertical, body ?? {});
    case 'object':
      return method === 'GET'
        ? getResource(state.objects, vertical, route.id, state, 'object')
        : updateObject(state, vertical, route.id, body ?? {}, method === 'PATCH');
    case 'addMessage':
      return addMessage(state, vertical, route.id, body ?? {});
  }
}

function matchRoute(method: string, rest: string): Route | undefined {
  const segments = rest.split('/').map((s) => safeDecode(s));
  if (segments.some((s) => s === undefined)) return undefined;
  const [collection = '', id, action, ...extra] = segments as string[];
  const parsed = parseCollection(collection);
  if (extra.length > 0 || parsed === undefined) return undefined;
  const { vertical } = parsed;
  if (parsed.kind === 'class') {
    if (id === undefined) return method === 'POST' ? { vertical, kind: 'insertClass' } : undefined;
    if (action === undefined && ['GET', 'PATCH', 'PUT'].includes(method)) return { vertical, kind: 'class', id };
    return undefined;
  }
  if (id === undefined) return method === 'POST' ? { vertical, kind: 'insertObject' } : undefined;
  if (action === undefined && ['GET', 'PATCH', 'PUT'].includes(method)) return { vertical, kind: 'object', id };
  if (action === 'addMessage' && method === 'POST') return { vertical, kind: 'addMessage', id };
  return undefined;
}

/** The caller's service-account email, or undefined when the bearer token is missing, unknown or expired. */
function authorized(state: State, headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  const token = match?.[1] === undefined ? undefined : state.tokens.get(match[1]);
  return token !== undefined && token.expiresAt > state.now() ? token.email : undefined;
}

/** The resource under `id` in this vertical: one in another vertical is not found here, as on Google. */
function inVertical(state: State, store: Map<string, Json>, vertical: FakeGoogleVertical, id: string): Json | undefined {
  return state.verticals.get(id) === vertical ? store.get(id) : undefined;
}

function getResource(store: Map<string, Json>, vertical: FakeGoogleVertical, id: string, state: State, what: string): Answer {
  const idError = checkId(state, id);
  if (idError !== undefined) return googleError(400, idError);
  const found = inVertical(state, store, vertical, id);
  return found === undefined ? googleError(404, `Resource not found: ${vertical} ${what} ${id}`) : ok(found);
}

function insertClass(state: State, vertical: FakeGoogleVertical, body: Json): Answer {
  const error = validateClass(state, vertical, body);
  if (error !== undefined) return googleError(400, error);
  const id = body['id'] as string;
  // Class ids are unique across all of an issuer's classes, whatever their vertical.
  if (state.classes.has(id)) return googleError(409, `Resource already exists: class ${id}`);
  state.classes.set(id, clone(body));
  state.verticals.set(id, vertical);
  return ok(body);
}

function updateClass(state: State, vertical: FakeGoogleVertical, id: string, body: Json, patch: boolean): Answer {
  const idError = checkId(state, id) ?? checkBodyId(id, body);
  if (idError !== undefined) return googleError(400, idError);
  const existing = inVertical(state, state.classes, vertical, id);
  if (existing === undefined) return googleError(404, `Resource not found: ${vertical} class ${id}`);
  const next = patch ? { ...existing, ...body } : { id, ...body };
  const error = validateClass(state, vertical, next);
  if (error !== undefined) return googleError(400, error);
  state.classes.set(id, clone(next));
  return ok(next);
}

/** The object's class must exist in the object's vertical and be usable (not a draft). */
function checkObjectClass(state: State, vertical: FakeGoogleVertical, object: Json): Answer | undefined {
  const classId = object['classId'] as string;
  const klass = inVertical(state, state.classes, vertical, classId);
  if (klass === undefined) return googleError(404, `Resource not found: ${vertical} class ${classId}`);
  if (isDraftClass(klass)) return googleError(400, `Class ${classId} is a draft; objects cannot be created in it.`);
  return undefined;
}

function insertObject(state: State, vertical: FakeGoogleVertical, body: Json): Answer {
  const error = validateObject(state, vertical, body);
  if (error !== undefined) return googleError(400, error);
  const id = body['id'] as string;
  // Object ids are unique across all of an issuer's objects, whatever their vertical.
  if (state.objects.has(id)) return googleError(409, `Resource already exists: object ${id}`);
  const classError = checkObjectClass(state, vertical, body);
  if (classError !== undefined) return classError;
  state.objects.set(id, clone(body));
  state.verticals.set(id, vertical);
  return ok(body);
}

function updateObject(state: State, vertical: FakeGoogleVertical, id: string, body: Json, patch: boolean): Answer {
  const idError = checkId(state, id) ?? checkBodyId(id, body);
  if (idError !== undefined) return googleError(400, idError);
  const existing = inVertical(state, state.objects, vertical, id);
  if (existing === undefined) return googleError(404, `Resource not found: ${vertical} object ${id}`);
  // PUT replaces the object and needs every required property, id included; PATCH merges top-level fields.
  const next = patch ? { ...existing, ...body } : body;
  const error = validateObject(state, vertical, next);
  if (error !== undefined) return googleError(400, error);
  const classError = checkObjectClass(state, vertical, next);
  if (classError !== undefined) return classError;
  state.objects.set(id, clone(next));
  return ok(next);
}

function addMessage(state: State, vertical: FakeGoogleVertical, id: string, body: Json): Answer {
  const idError = checkId(state, id);
  if (idError !== undefined) return googleError(400, idError);
  const existing = inVertical(state, state.objects, vertical, id);
  if (existing === undefined) return googleError(404, `Resource not found: ${vertical} object ${id}`);
  const error = validateMessage(body['message']);
  if (error !== undefined) return googleError(400, error);
  const message = body['message'] as Json;
  const messageType = typeof message['messageType'] === 'string' ? message['messageType'] : 'TEXT';
  const now = state.now();
  if (messageType === 'TEXT_AND_NOTIFY') {
    const recent = state.messages.filter((m) => m.objectId === id && m.messageType === 'TEXT_AND_NOTIFY' && m.at > now - DAY_MS).length;
    if (recent >= GOOGLE_NOTIFY_LIMIT) {
      return googleError(
        429,
        `QuotaExceededException: at most ${GOOGLE_NOTIFY_LIMIT} notifications (TEXT_AND_NOTIFY messages) per object per 24 hours; object ${id}.`,
      );
    }
  }
  const record: FakeGoogleMessage = { objectId: id, messageType, at: now };
  if (typeof message['header'] === 'string') record.header = message['header'];
  if (typeof message['body'] === 'string') record.body = message['body'];
  state.messages.push(record);
  const previous = Array.isArray(existing['messages']) ? (existing['messages'] as unknown[]) : [];
  const next = { ...existing, messages: [...previous, clone(message)] };
  state.objects.set(id, next);
  return ok({ resource: next });
}

// ---------------------------------------------------------------------------------------------------------------
// Validation: each returns the error message, or undefined when valid.

function checkId(state: State, id: unknown, field = 'id'): string | undefined {
  if (typeof id !== 'string' || id === '') return `${field} is required.`;
  const dot = id.indexOf('.');
  const known = [...state.grants.values()].some((issuers) => issuers.has(id.slice(0, dot))) || id.slice(0, dot) === state.issuerId;
  if (dot < 1 || !known || !SUFFIX_PATTERN.test(id.slice(dot + 1))) return `Invalid resource ID: ${id}`;
  return undefined;
}

function checkBodyId(urlId: string, body: Json): string | undefined {
  if (!('id' in body) || body['id'] === urlId) return undefined;
  return `The resource ID in the URL (${urlId}) does not match the ID in the body (${String(body['id'])}).`;
}

function validateClass(state: State, vertical: FakeGoogleVertical, body: Json): string | undefined {
  return checkId(state, body['id']) ?? checkColor(body['hexBackgroundColor']) ?? validateVerticalClass(vertical, body);
}

function validateObject(state: State, vertical: FakeGoogleVertical, body: Json): string | undefined {
  return (
    checkId(state, body['id']) ??
    checkId(state, body['classId'], 'classId') ??
    checkColor(body['hexBackgroundColor']) ??
    checkBarcode(body['barcode']) ??
    checkState(body['state']) ??
    checkImage(body['heroImage'], 'heroImage') ??
    checkTextModules(body['textModulesData']) ??
    validateVerticalObject(vertical, body)
  );
}

function checkColor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && HEX_COLOR_PATTERN.test(value)
    ? undefined
    : `Invalid hexBackgroundColor: ${String(value)} (expected #rrggbb).`;
}

function checkBarcode(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) return 'barcode must be an object.';
  if (typeof value['type'] !== 'string' || !BARCODE_TYPES.has(value['type'])) return `Invalid barcode.type: ${String(value['type'])}`;
  return isNonEmptyString(value['value']) ? undefined : 'barcode.value is required.';
}

function checkState(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' && OBJECT_STATES.has(value) ? undefined : `Invalid state: ${String(value)}`;
}

function checkTextModules(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) return 'textModulesData must be a list.';
  if (value.length > MAX_TEXT_MODULES) return `textModulesData has ${value.length} items; at most ${MAX_TEXT_MODULES} are allowed.`;
  const ids = new Set<string>();
  for (const [i, item] of value.entries()) {
    if (!isRecord(item) || typeof item['header'] !== 'string' || typeof item['body'] !== 'string') {
      return `textModulesData[${i}] needs header and body strings.`;
    }
    const id = item['id'];
    if (typeof id !== 'string' || !TEXT_MODULE_ID_PATTERN.test(id)) return `textModulesData[${i}].id must match [A-Za-z0-9_]+.`;
    if (ids.has(id)) return `Duplicate textModulesData id: ${id}`;
    ids.add(id);
    for (const twin of ['localizedHeader', 'localizedBody']) {
      const error = checkLocalized(item[twin], `textModulesData[${i}].${twin}`, false);
      if (error !== undefined) return error;
    }
  }
  return undefined;
}

function validateMessage(message: unknown): string | undefined {
  if (!isRecord(message)) return 'message is required.';
  if (!isNonEmptyString(message['header'])) return 'message.header is required.';
  if (!isNonEmptyString(message['body'])) return 'message.body is required.';
  if (message['id'] !== undefined && typeof message['id'] !== 'string') return 'message.id must be a string.';
  const type = message['messageType'];
  if (type !== undefined && (typeof type !== 'string' || !MESSAGE_TYPES.has(type))) return `Invalid message.messageType: ${String(type)}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function googleError(status: number, message: string): Answer {
  return { status, body: { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } } };
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

interface DecodedJwt {
  header: Json;
  claims: Json;
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(jwt: string): DecodedJwt | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return undefined;
  const [encodedHeader = '', encodedClaims = '', encodedSignature = ''] = parts;
  const header = parseJson(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  const claims = parseJson(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
  if (!isRecord(header) || !isRecord(claims)) return undefined;
  return { header, claims, signingInput: `${encodedHeader}.${encodedClaims}`, signature: Buffer.from(encodedSignature, 'base64url') };
}

/** RSASSA-PKCS1-v1_5 with SHA-256 (JWS RS256). */
function verifyRs256(jwt: DecodedJwt, key: KeyObject): boolean {
  if (key.asymmetricKeyType !== 'rsa' || jwt.signature.length === 0) return false;
  try {
    return verify('sha256', Buffer.from(jwt.signingInput), key, jwt.signature);
  } catch {
    return false;
  }
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  const parsed = parseJson(text);
  return parsed === undefined ? text : parsed;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function clone<T>(value: T): T {
  return structuredClone(value);
}
