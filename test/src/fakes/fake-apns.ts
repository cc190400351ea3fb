import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import http2, { type IncomingHttpHeaders, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * A local stand-in for the Apple Push Notification service (HTTP/2 provider API), as strict as APNs is
 * about what Wallet pass updates send.
 *
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns
 */

export interface FakeApnsOptions {
  /** Server certificate (SAN localhost, 127.0.0.1). */
  tls: { keyPem: string; certPem: string };
  /** When set: accept a TLS client certificate issued by this CA (certificate auth). */
  clientCaPem?: string;
  /** When set: accept bearer JWTs signed by these keys (token auth). */
  tokenKeys?: { keyId: string; teamId: string; publicKeyPem: string }[];
  /** Allowed `apns-topic` values; any other topic is answered 400 TopicDisallowed. Unset: every topic. */
  topics?: string[];
  /** SETTINGS_MAX_CONCURRENT_STREAMS the fake announces; default 1000 (what APNs announces once authenticated). */
  maxConcurrentStreams?: number;
  /** Clock (ms) for JWT `iat` checks, `at` and 410 timestamps; default `Date.now`. */
  now?: () => number;
}

export interface FakePush {
  /** The request's `apns-id`, or the one the fake made up when it had none. */
  apnsId: string;
  token: string;
  topic: string;
  pushType?: string;
  priority?: string;
  payload: string;
  at: number;
  auth: 'certificate' | 'token';
  /** The bearer JWT, for token auth. */
  providerToken?: string;
}

export type FakeApnsAnswer = number | { status: number; reason?: string; timestamp?: number } | 'hang';

export interface FakeApns {
  readonly url: string;
  readonly port: number;
  /** Accepted (200) pushes, in order. */
  readonly pushes: FakePush[];
  /** Every request (HTTP/2 stream) seen. */
  readonly requests: number;
  /** HTTP/2 sessions (connections) seen. */
  readonly sessions: number;
  /** Most streams open at once on one session. */
  readonly peakConcurrentStreams: number;
  /** Streams the client reset (RST_STREAM) before the fake answered. */
  readonly cancelledStreams: number;
  /** Answers for the next valid requests to `token`, in order; afterwards 200 again. */
  respond(token: string, ...answers: FakeApnsAnswer[]): void;
  /** The answer to every valid request until `clear()`. */
  respondAll(answer: FakeApnsAnswer): void;
  clear(): void;
  /** GOAWAY (NO_ERROR, `{"reason":"Shutdown"}`) on every session, then a graceful close. */
  goAway(): void;
  /** Drop every connection abruptly (no GOAWAY), as a network failure would. */
  destroySessions(): void;
  waitForPushes(n: number, timeoutMs: number): Promise<FakePush[]>;
  /** Calls `listener` with every push accepted from now on, as it is accepted. */
  onPush(listener: (push: FakePush) => void): void;
  close(): Promise<void>;
}

/** Largest accepted payload, bytes (Apple: 4 KB for regular remote notifications). */
export const APNS_MAX_PAYLOAD_BYTES = 4096;
const HOUR_MS = 60 * 60 * 1000;
const TOKEN_UPDATE_MIN_MS = 20 * 60 * 1000;
const DEFAULT_REASONS: Record<number, string> = {
  400: 'BadDeviceToken',
  403: 'BadCertificate',
  404: 'BadPath',
  405: 'MethodNotAllowed',
  410: 'Unregistered',
  413: 'PayloadTooLarge',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

type Failure = { status: number; reason: string };
type Auth = { auth: 'certificate' } | { auth: 'token'; providerToken: string };
type Verdict = Failure | Auth;
type TokenKey = { teamId: string; key: KeyObject };

interface State {
  options: FakeApnsOptions;
  now: () => number;
  keys: Map<string, TokenKey>;
  pushes: FakePush[];
  requests: number;
  sessions: Set<ServerHttp2Session>;
  sessionsSeen: number;
  peak: number;
  cancelled: number;
  queued: Map<string, FakeApnsAnswer[]>;
  all: FakeApnsAnswer | undefined;
  /** Per session: the last provider token accepted and its iat (s), for TooManyProviderTokenUpdates. */
  lastToken: WeakMap<ServerHttp2Session, { jwt: string; iat: number }>;
  /** Per session: the client certificate's verdict, decided at the handshake as APNs does. */
  certificateAuth: WeakMap<ServerHttp2Session, Failure | Auth>;
  waiters: Set<() => void>;
  listeners: ((push: FakePush) => void)[];
}

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeApns(options: FakeApnsOptions): Promise<FakeApns> {
  const state = newState(options);
  const server = http2.createSecureServer({
    key: options.tls.keyPem,
    cert: options.tls.certPem,
    ...(options.clientCaPem === undefined ? {} : { ca: options.clientCaPem, requestCert: true }),
    // Verification happens per request (socket.authorized) so a bad certificate gets APNs' 403, not a TLS alert.
    rejectUnauthorized: false,
    settings: { maxConcurrentStreams: options.maxConcurrentStreams ?? 1000 },
  });
  server.on('session', (session) => trackSession(state, session));
  server.on('stream', (stream, headers) => handleStream(state, stream, headers));
  server.on('sessionError', () => undefined);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return fakeApi(state, server, port);
}

function newState(options: FakeApnsOptions): State {
  const keys = new Map<string, TokenKey>();
  for (const k of options.tokenKeys ?? []) keys.set(k.keyId, { teamId: k.teamId, key: createPublicKey(k.publicKeyPem) });
  return {
    options,
    now: options.now ?? Date.now,
    keys,
    pushes: [],
    requests: 0,
    sessions: new Set(),
    sessionsSeen: 0,
    peak: 0,
    cancelled: 0,
    queued: new Map(),
    all: undefined,
    lastToken: new WeakMap(),
    certificateAuth: new WeakMap(),
    waiters: new Set(),
    listeners: [],
  };
}

function fakeApi(state: State, server: http2.Http2SecureServer, port: number): FakeApns {
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    pushes: state.pushes,
    get requests() {
      return state.requests;
    },
    get sessions() {
      return state.sessionsSeen;
    },
    get peakConcurrentStreams() {
      return state.peak;
    },
    get cancelledStreams() {
      return state.cancelled;
    },
    respond: (token, ...answers) => state.queued.set(token, [...(state.queued.get(token) ?? []), ...answers]),
    respondAll: (answer) => {
      state.all = answer;
    },
    clear: () => {
      state.queued.clear();
      state.all = undefined;
    },
    goAway: () => {
      for (const session of state.sessions) {
        session.goaway(http2.constants.NGHTTP2_NO_ERROR, 0, Buffer.from('{"reason":"Shutdown"}'));
        session.close();
      }
    },
    destroySessions: () => {
      for (const session of state.sessions) session.destroy();
    },
    waitForPushes: (n, timeoutMs) => waitForPushes(state, n, timeoutMs),
    onPush: (listener) => state.listeners.push(listener),
    close: () => closeServer(state, server),
  };
}

function trackSession(state: State, session: ServerHttp2Session): void {
  state.sessionsSeen += 1;
  state.sessions.add(session);
  let open = 0;
  session.on('stream', (stream: ServerHttp2Stream) => {
    open += 1;
    state.peak = Math.max(state.peak, open);
    stream.on('close', () => {
      open -= 1;
    });
  });
  session.on('error', () => undefined);
  session.on('close', () => state.sessions.delete(session));
}

function closeServer(state: State, server: http2.Http2SecureServer): Promise<void> {
  for (const session of state.sessions) session.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function waitForPushes(state: State, n: number, timeoutMs: number): Promise<FakePush[]> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (state.pushes.length < n) return;
      clearTimeout(timer);
      state.waiters.delete(check);
      resolve(state.pushes.slice(0, n));
    };
    const timer = setTimeout(() => {
      state.waiters.delete(check);
      reject(new Error(`fake APNs: ${state.pushes.length} of ${n} pushes after ${timeoutMs} ms`));
    }, timeoutMs);
    state.waiters.add(check);
    check();
  });
}

function handleStream(state: State, stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
  state.requests += 1;
  stream.on('error', () => undefined);
  stream.on('close', () => {
    if (!stream.headersSent && stream.rstCode === http2.constants.NGHTTP2_CANCEL) state.cancelled += 1;
  });
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= APNS_MAX_PAYLOAD_BYTES) chunks.push(chunk);
  });
  stream.on('end', () => {
    const body = size > APNS_MAX_PAYLOAD_BYTES ? null : Buffer.concat(chunks);
    answerRequest(state, stream, headers, body);
  });
}

function answerRequest(state: State, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer | null): void {
  const apnsId = header(headers, 'apns-id') ?? randomUUID();
  const verdict = checkRequest(state, stream.session as ServerHttp2Session | undefined, headers, body);
  if ('status' in verdict) return reply(stream, apnsId, verdict);
  const token = deviceToken(headers);
  const scripted = nextScriptedAnswer(state, token);
  if (scripted === 'hang') return;
  if (scripted !== undefined && scripted.status !== 200) return reply(stream, apnsId, scripted);
  recordPush(state, headers, apnsId, token, body ?? Buffer.alloc(0), verdict);
  reply(stream, apnsId, { status: 200 });
}

function recordPush(state: State, headers: IncomingHttpHeaders, apnsId: string, token: string, body: Buffer, auth: Auth): void {
  const push: FakePush = {
    apnsId,
    token,
    topic: header(headers, 'apns-topic') ?? '',
    payload: body.toString('utf8'),
    at: state.now(),
    auth: auth.auth,
  };
  const pushType = header(headers, 'apns-push-type');
  const priority = header(headers, 'apns-priority');
  if (pushType !== undefined) push.pushType = pushType;
  if (priority !== undefined) push.priority = priority;
  if (auth.auth === 'token') push.providerToken = auth.providerToken;
  state.pushes.push(push);
  for (const listener of state.listeners) listener(push);
  for (const waiter of [...state.waiters]) waiter();
}

function reply(stream: ServerHttp2Stream, apnsId: string, answer: { status: number; reason?: string; timestamp?: number }): void {
  if (stream.destroyed || stream.closed) return;
  if (answer.status === 200) {
    stream.respond({ ':status': 200, 'apns-id': apnsId }, { endStream: true });
    return;
  }
  const body: { reason: string; timestamp?: number } = { reason: answer.reason ?? DEFAULT_REASONS[answer.status] ?? 'InternalServerError' };
  if (answer.timestamp !== undefined) body.timestamp = answer.timestamp;
  stream.respond({ ':status': answer.status, 'apns-id': apnsId, 'content-type': 'application/json' });
  stream.end(JSON.stringify(body));
}

function nextScriptedAnswer(state: State, token: string): { status: number; reason?: string; timestamp?: number } | 'hang' | undefined {
  const queue = state.queued.get(token);
  const answer = queue !== undefined && queue.length > 0 ? queue.shift() : state.all;
  if (answer === undefined || answer === 'hang') return answer;
  const resolved = typeof answer === 'number' ? { status: answer } : { ...answer };
  if (resolved.status === 410 && resolved.timestamp === undefined) resolved.timestamp = state.now();
  return resolved;
}

/** Every rule APNs applies to a Wallet push, in order; the first failure wins. */
function checkRequest(state: State, session: ServerHttp2Session | undefined, headers: IncomingHttpHeaders, body: Buffer | null): Verdict {
  const early = checkMethod(headers) ?? checkPath(headers) ?? checkMessageId(headers);
  if (early !== undefined) return early;
  const auth = checkAuth(state, session, headers);
  if ('status' in auth) return auth;
  const late = checkTopic(state, headers) ?? checkPushTypeAndPriority(headers) ?? checkPayload(body);
  return late ?? auth;
}

function checkMethod(headers: IncomingHttpHeaders): Failure | undefined {
  return headers[':method'] === 'POST' ? undefined : { status: 405, reason: 'MethodNotAllowed' };
}

function checkPath(headers: IncomingHttpHeaders): Failure | undefined {
  const path = headers[':path'] ?? '';
  if (!path.startsWith('/3/device/')) return { status: 404, reason: 'BadPath' };
  const token = path.slice('/3/device/'.length);
  if (token === '') return { status: 400, reason: 'MissingDeviceToken' };
  if (token.includes('/') || token.includes('?')) return { status: 404, reason: 'BadPath' };
  return /^[0-9a-fA-F]{64,}$/.test(token) ? undefined : { status: 400, reason: 'BadDeviceToken' };
}

function checkMessageId(headers: IncomingHttpHeaders): Failure | undefined {
  const id = header(headers, 'apns-id');
  if (id === undefined) return undefined;
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id)
    ? undefined
    : { status: 400, reason: 'BadMessageId' };
}

function checkTopic(state: State, headers: IncomingHttpHeaders): Failure | undefined {
  const topic = header(headers, 'apns-topic');
  if (topic === undefined || topic === '') return { status: 400, reason: 'MissingTopic' };
  const allowed = state.options.topics;
  return allowed === undefined || allowed.includes(topic) ? undefined : { status: 400, reason: 'TopicDisallowed' };
}

function checkPushTypeAndPriority(headers: IncomingHttpHeaders): Failure | undefined {
  const pushType = header(headers, 'apns-push-type');
  const priority = header(headers, 'apns-priority');
  if (pushType !== undefined && pushType !== 'alert' && pushType !== 'background') return { status: 400, reason: 'InvalidPushType' };
  if (priority !== undefined && priority !== '5' && priority !== '10') return { status: 400, reason: 'BadPriority' };
  // Apple: background notifications must use priority 5; 10 is an error.
  if (pushType === 'background' && priority === '10') return { status: 400, reason: 'BadPriority' };
  return undefined;
}

function checkPayload(body: Buffer | null): Failure | undefined {
  if (body === null) return { status: 413, reason: 'PayloadTooLarge' };
  if (body.length === 0) return { status: 400, reason: 'PayloadEmpty' };
  // Apple documents no reason string for malformed JSON; the fake says BadPayload.
  const parsed = parseJson(body.toString('utf8'));
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  return isObject ? undefined : { status: 400, reason: 'BadPayload' };
}

function checkAuth(state: State, session: ServerHttp2Session | undefined, headers: IncomingHttpHeaders): Failure | Auth {
  const authorization = header(headers, 'authorization');
  if (authorization !== undefined) return checkProviderToken(state, session, authorization);
  if (session === undefined) return certificateVerdict(state, undefined);
  // getPeerCertificate() builds a new object on every call, which at fan-out rates cost the fake
  // more than the rest of a push; the certificate can't change within a connection.
  let verdict = state.certificateAuth.get(session);
  if (verdict === undefined) state.certificateAuth.set(session, (verdict = certificateVerdict(state, session.socket as TLSSocket)));
  return verdict;
}

function certificateVerdict(state: State, socket: TLSSocket | undefined): Failure | Auth {
  const peer = state.options.clientCaPem === undefined || socket === undefined ? undefined : socket.getPeerCertificate();
  if (peer === undefined || Object.keys(peer).length === 0) return { status: 403, reason: 'MissingProviderToken' };
  return socket?.authorized === true ? { auth: 'certificate' } : { status: 403, reason: 'BadCertificate' };
}

function checkProviderToken(state: State, session: ServerHttp2Session | undefined, authorization: string): Failure | Auth {
  const match = /^bearer (.+)$/i.exec(authorization);
  if (match?.[1] === undefined || state.keys.size === 0) return { status: 403, reason: 'InvalidProviderToken' };
  const jwt = match[1];
  const checked = verifyJwt(state, jwt);
  if ('status' in checked) return checked;
  if (session !== undefined) {
    const last = state.lastToken.get(session);
    if (last !== undefined && last.jwt !== jwt && (checked.iat - last.iat) * 1000 < TOKEN_UPDATE_MIN_MS) {
      return { status: 429, reason: 'TooManyProviderTokenUpdates' };
    }
    state.lastToken.set(session, { jwt, iat: checked.iat });
  }
  return { auth: 'token', providerToken: jwt };
}

/** ES256 over `header.claims`, `kid` known, `iss` = its team, `iat` not in the future and under an hour old. */
function verifyJwt(state: State, jwt: string): Failure | { iat: number } {
  const invalid: Failure = { status: 403, reason: 'InvalidProviderToken' };
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return invalid;
  const [encodedHeader = '', encodedClaims = '', encodedSignature = ''] = parts;
  const jose = parseJson(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  const claims = parseJson(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
  if (!isRecord(jose) || !isRecord(claims) || jose['alg'] !== 'ES256' || typeof jose['kid'] !== 'string') return invalid;
  const key = state.keys.get(jose['kid']);
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (key === undefined || signature.length !== 64) return invalid;
  const signed = Buffer.from(`${encodedHeader}.${encodedClaims}`);
  if (!verify('sha256', signed, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature)) return invalid;
  const iat = claims['iat'];
  if (claims['iss'] !== key.teamId || typeof iat !== 'number' || !Number.isInteger(iat)) return invalid;
  const age = state.now() - iat * 1000;
  if (age < 0) return invalid;
  if (age > HOUR_MS) return { status: 403, reason: 'ExpiredProviderToken' };
  return { iat };
}

function deviceToken(headers: IncomingHttpHeaders): string {
  return (headers[':path'] ?? '').slice('/3/device/'.length);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
