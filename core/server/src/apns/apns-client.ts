import { X509Certificate, createPrivateKey } from 'node:crypto';
import http2, {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
  type SecureClientSessionOptions,
} from 'node:http2';
import { PassmintError } from '@passmint/engine';
import { createProviderTokenCache, loadSigningKey, type ProviderTokenCache } from './provider-token';

/**
 * A client for the Apple Push Notification service (APNs) HTTP/2 provider API, as Wallet pass updates use it:
 * `POST <base>/3/device/<pushToken>` with `apns-topic: <passTypeIdentifier>` and the payload `{}`.
 *
 * One long-lived HTTP/2 session per client carries every push as its own stream, as Apple asks
 * ("keep your connections with APNs open across multiple notifications; don't repeatedly open and close").
 *
 * @see https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns
 * @see https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-certificate-based-connection-to-apns
 * @see https://developer.apple.com/documentation/usernotifications/establishing-a-token-based-connection-to-apns
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */

/** Certificate auth uses the Pass Type ID certificate and key that sign the passes; token auth a `.p8` key. */
export type ApnsAuth =
  | { kind: 'certificate'; certificatePem: string; privateKeyPem: string }
  | { kind: 'token'; signingKeyPem: string; keyId: string; teamId: string };

export interface ApnsClientOptions {
  /** `https://api.push.apple.com`, the sandbox, or a local fake. */
  baseUrl: string;
  auth: ApnsAuth;
  /** Per push, queueing included; default 10 000 ms. Also bounds connection set-up. */
  requestTimeoutMs?: number;
  /** Extra trust for tests. Omit in production: Node's store plus NODE_EXTRA_CA_CERTS. Replaces the default store when set. */
  ca?: string | string[];
  /** Clock in ms, for JWT `iat` and refresh. */
  now?: () => number;
}

export interface PushRequest {
  pushToken: string;
  topic: string;
  pushType: 'background' | 'alert';
  priority: 5 | 10;
  /** Sent as `apns-id` (a UUID): the outbox row's id, so APNs' delivery log and ours name a push alike. */
  apnsId?: string;
}

/**
 * APNs' answer. Status 0 means no answer: `Timeout` (the stream was cancelled) or `ConnectionError`
 * (TLS or network failure, or the connection went away with the push in flight). Retry both: a Wallet
 * push that arrives twice only makes the device ask for updates twice. `detail` says more for status 0.
 */
export type PushResult =
  | { ok: true; status: 200; apnsId: string | null }
  | { ok: false; status: number; reason: string; timestamp?: number; detail?: string };

/** Holds one HTTP/2 connection open between pushes: call `close()` before the process should exit. */
export interface ApnsClient {
  /** Never throws and never rejects. */
  send(request: PushRequest): Promise<PushResult>;
  /** Fails queued pushes, lets in-flight ones finish (or time out) and closes the connection. */
  close(): Promise<void>;
  /** HTTP/2 sessions opened so far. */
  readonly connections: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** What nghttp2 assumes before the server's SETTINGS; only used if the server's value is unreadable. */
const FALLBACK_MAX_STREAMS = 100;
const MAX_ERROR_BODY_CHARS = 64 * 1024;
const PUSH_TOKEN = /^[0-9a-fA-F]{64,200}$/;
const TOPIC = /^[\x21-\x7e]+$/;
const WALLET_PAYLOAD = '{}';
/** Errors thrown by `session.request()` before anything is sent: the push can go on a new session. */
const RETRYABLE_REQUEST_ERRORS = new Set(['ERR_HTTP2_GOAWAY_SESSION', 'ERR_HTTP2_INVALID_SESSION']);

interface Pending {
  request: PushRequest;
  /** `bearer <provider token>` under token auth. */
  authorization: string | undefined;
  settle(result: PushResult): void;
  settled: boolean;
  stream?: ClientHttp2Stream;
  retried: boolean;
}

interface Connection {
  session: ClientHttp2Session;
  ready: boolean;
  active: number;
  lastError?: Error;
}

interface ClientState {
  baseUrl: string;
  timeoutMs: number;
  tls: SecureClientSessionOptions;
  tokens: ProviderTokenCache | undefined;
  current: Connection | undefined;
  open: Set<Connection>;
  queue: Pending[];
  opened: number;
  closed: boolean;
}

/** Creates a client; connects lazily on the first push. Throws only on a bad base URL or unusable auth material. */
export function createApnsClient(options: ApnsClientOptions): ApnsClient {
  const state: ClientState = {
    baseUrl: checkBaseUrl(options.baseUrl),
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    tls: tlsOptions(options),
    tokens: tokenCache(options),
    current: undefined,
    open: new Set(),
    queue: [],
    opened: 0,
    closed: false,
  };
  return {
    send: (request) => send(state, request),
    close: () => closeClient(state),
    get connections() {
      return state.opened;
    },
  };
}

function checkBaseUrl(baseUrl: string): string {
  if (new URL(baseUrl).protocol !== 'https:') throw new PassmintError('invalid_config', `APNs base URL must be https: ${baseUrl}`);
  return baseUrl;
}

function tlsOptions(options: ApnsClientOptions): SecureClientSessionOptions {
  const tls: SecureClientSessionOptions = options.ca === undefined ? {} : { ca: options.ca };
  if (options.auth.kind !== 'certificate') return tls;
  const certificate = new X509Certificate(options.auth.certificatePem);
  if (!certificate.checkPrivateKey(createPrivateKey(options.auth.privateKeyPem))) {
    throw new PassmintError('apns_key_invalid', 'APNs certificate auth: the private key does not match the certificate');
  }
  return { ...tls, cert: options.auth.certificatePem, key: options.auth.privateKeyPem };
}

function tokenCache(options: ApnsClientOptions): ProviderTokenCache | undefined {
  if (options.auth.kind !== 'token') return undefined;
  const { signingKeyPem, keyId, teamId } = options.auth;
  return createProviderTokenCache({ signingKey: loadSigningKey(signingKeyPem), keyId, teamId, now: options.now ?? Date.now });
}

async function send(state: ClientState, request: PushRequest): Promise<PushResult> {
  const invalid = checkRequest(request);
  if (invalid !== undefined) return invalid;
  const authorization = await authorizationOf(state);
  if (typeof authorization === 'object') return authorization;
  if (state.closed) return connectionError('client closed');
  return new Promise((resolve) => {
    const pending: Pending = { request, authorization, settled: false, retried: false, settle: () => undefined };
    const timer = setTimeout(() => timeOut(state, pending), state.timeoutMs);
    pending.settle = (result) => {
      if (pending.settled) return;
      pending.settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    state.queue.push(pending);
    pump(state);
  });
}

/** The provider token of a push under token auth; a token that can't be signed fails the push, as `send` never rejects. */
async function authorizationOf(state: ClientState): Promise<string | undefined | PushResult> {
  if (state.tokens === undefined) return undefined;
  try {
    return `bearer ${await state.tokens.current()}`;
  } catch (error) {
    return connectionError(`the provider token could not be signed (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Local checks that spare APNs a request it would refuse (and keep untyped callers from making `send` throw). */
function checkRequest(request: PushRequest): PushResult | undefined {
  const { pushToken, topic } = (request ?? {}) as Partial<Record<keyof PushRequest, unknown>>;
  if (typeof pushToken !== 'string' || !PUSH_TOKEN.test(pushToken)) return failure(400, 'BadDeviceToken');
  if (typeof topic !== 'string' || topic === '') return failure(400, 'MissingTopic');
  if (!TOPIC.test(topic)) return failure(400, 'BadTopic');
  return undefined;
}

function timeOut(state: ClientState, pending: Pending): void {
  if (pending.stream !== undefined) pending.stream.close(http2.constants.NGHTTP2_CANCEL);
  else state.queue = state.queue.filter((p) => p !== pending);
  pending.settle({ ok: false, status: 0, reason: 'Timeout', detail: `no answer within ${state.timeoutMs} ms` });
}

/**
 * Starts queued pushes while the session has room under the server's SETTINGS_MAX_CONCURRENT_STREAMS.
 * Runs from event handlers too, so it must not throw: anything unexpected fails the queue instead.
 */
function pump(state: ClientState): void {
  try {
    startQueued(state);
  } catch (error) {
    failQueue(state, error instanceof Error ? error.message : String(error));
  }
}

function startQueued(state: ClientState): void {
  if (state.queue.length === 0 || state.closed) return;
  const connection = usableConnection(state) ?? openConnection(state);
  if (!connection.ready) return;
  const limit = connection.session.remoteSettings.maxConcurrentStreams ?? FALLBACK_MAX_STREAMS;
  while (connection.active < limit && state.current === connection) {
    const pending = state.queue.shift();
    if (pending === undefined) return;
    if (!pending.settled) dispatch(state, connection, pending);
  }
}

function usableConnection(state: ClientState): Connection | undefined {
  const connection = state.current;
  if (connection === undefined) return undefined;
  if (!connection.session.closed && !connection.session.destroyed) return connection;
  detach(state, connection);
  return undefined;
}

function openConnection(state: ClientState): Connection {
  const session = http2.connect(state.baseUrl, state.tls);
  const connection: Connection = { session, ready: false, active: 0 };
  state.opened += 1;
  state.current = connection;
  state.open.add(connection);
  const connectTimer = setTimeout(() => {
    if (!connection.ready) session.destroy(new Error(`no connection within ${state.timeoutMs} ms`));
  }, state.timeoutMs);
  // SETTINGS arrive first on every HTTP/2 connection; later ones may change the stream limit.
  session.on('remoteSettings', () => {
    connection.ready = true;
    clearTimeout(connectTimer);
    pump(state);
  });
  session.on('goaway', () => {
    detach(state, connection);
    pump(state);
  });
  session.on('error', (error: Error) => {
    connection.lastError = error;
    detach(state, connection);
  });
  session.on('close', () => {
    clearTimeout(connectTimer);
    state.open.delete(connection);
    detach(state, connection);
    // A connection that never came up would fail again at once: give the queued pushes its error
    // (unless a newer connection is already on its way for them).
    if (!connection.ready && state.current === undefined)
      failQueue(state, connection.lastError?.message ?? 'connection closed before it was ready');
    pump(state);
  });
  return connection;
}

/** Stops new pushes from using the connection; in-flight streams finish or fail on their own. */
function detach(state: ClientState, connection: Connection): void {
  if (state.current === connection) state.current = undefined;
}

function failQueue(state: ClientState, detail: string): void {
  const queued = state.queue;
  state.queue = [];
  for (const pending of queued) pending.settle(connectionError(detail));
}

function dispatch(state: ClientState, connection: Connection, pending: Pending): void {
  let stream: ClientHttp2Stream;
  try {
    stream = connection.session.request(requestHeaders(pending));
  } catch (error) {
    requestFailed(state, connection, pending, error);
    return;
  }
  connection.active += 1;
  pending.stream = stream;
  let streamError: Error | undefined;
  collectResponse(state, stream, pending);
  // 'error' always comes before 'close'; the outcome of a stream without an answer is decided on 'close'.
  stream.on('error', (error: Error) => {
    streamError = error;
  });
  stream.on('close', () => {
    connection.active -= 1;
    if (!pending.settled) closedWithoutAnswer(state, connection, pending, stream.rstCode, streamError);
    pump(state);
  });
  stream.end(WALLET_PAYLOAD);
}

/**
 * Two ways a stream ends unsent, so the push goes once more on a new connection: REFUSED_STREAM (e.g. streams
 * above the last stream id of a GOAWAY; the server did not process them, RFC 9113 §8.7), and a session that has
 * used up its 2^31 stream ids (ERR_HTTP2_OUT_OF_STREAMS; about 12 days at 1,000 pushes a second), which is
 * retired. Anything else is a ConnectionError: the push may or may not have reached APNs.
 */
function closedWithoutAnswer(
  state: ClientState,
  connection: Connection,
  pending: Pending,
  rstCode: number | undefined,
  error: Error | undefined,
): void {
  const outOfStreams = (error as { code?: unknown } | undefined)?.code === 'ERR_HTTP2_OUT_OF_STREAMS';
  if (outOfStreams) {
    detach(state, connection);
    if (!connection.session.closed) connection.session.close();
  }
  if ((outOfStreams || rstCode === http2.constants.NGHTTP2_REFUSED_STREAM) && !pending.retried) {
    pending.retried = true;
    pending.stream = undefined;
    state.queue.unshift(pending);
    return;
  }
  pending.settle(connectionError(error?.message ?? `stream closed without an answer (RST_STREAM ${rstCode ?? 'none'})`));
}

/** `session.request()` threw: nothing went out, so a dying session's push may try once more on a new one. */
function requestFailed(state: ClientState, connection: Connection, pending: Pending, error: unknown): void {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && RETRYABLE_REQUEST_ERRORS.has(code) && !pending.retried) {
    pending.retried = true;
    detach(state, connection);
    state.queue.unshift(pending);
    queueMicrotask(() => pump(state));
    return;
  }
  pending.settle(connectionError(error instanceof Error ? error.message : String(error)));
}

function requestHeaders(pending: Pending): OutgoingHttpHeaders {
  const { request } = pending;
  const headers: OutgoingHttpHeaders = {
    ':method': 'POST',
    ':path': `/3/device/${request.pushToken}`,
    'apns-topic': request.topic,
    'apns-push-type': request.pushType,
    'apns-priority': String(request.priority),
    'content-type': 'application/json',
  };
  if (request.apnsId !== undefined) headers['apns-id'] = request.apnsId;
  if (pending.authorization !== undefined) headers['authorization'] = pending.authorization;
  return headers;
}

function collectResponse(state: ClientState, stream: ClientHttp2Stream, pending: Pending): void {
  let headers: IncomingHttpHeaders | undefined;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('response', (responseHeaders) => {
    headers = responseHeaders;
  });
  stream.on('data', (chunk: string) => {
    if (body.length < MAX_ERROR_BODY_CHARS) body += chunk;
  });
  stream.on('end', () => {
    const result = headers === undefined ? connectionError('stream ended without response headers') : toResult(headers, body);
    if (!result.ok && result.reason === 'ExpiredProviderToken') state.tokens?.markExpired();
    pending.settle(result);
  });
}

function toResult(headers: IncomingHttpHeaders, body: string): PushResult {
  const status = Number(headers[':status']);
  const apnsId = headers['apns-id'];
  if (status === 200) return { ok: true, status: 200, apnsId: typeof apnsId === 'string' ? apnsId : null };
  const parsed = parseErrorBody(body);
  const result: PushResult = { ok: false, status, reason: parsed.reason ?? fallbackReason(status) };
  if (parsed.timestamp !== undefined) result.timestamp = parsed.timestamp;
  return result;
}

function parseErrorBody(body: string): { reason?: string; timestamp?: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  const { reason, timestamp } = parsed as { reason?: unknown; timestamp?: unknown };
  return {
    ...(typeof reason === 'string' && reason !== '' ? { reason } : {}),
    ...(typeof timestamp === 'number' && Number.isFinite(timestamp) ? { timestamp } : {}),
  };
}

function fallbackReason(status: number): string {
  if (status === 500) return 'InternalServerError';
  if (status === 503) return 'ServiceUnavailable';
  if (status === 429) return 'TooManyRequests';
  return `HTTP${status}`;
}

async function closeClient(state: ClientState): Promise<void> {
  state.closed = true;
  failQueue(state, 'client closed');
  state.current = undefined;
  await Promise.all([...state.open].map((connection) => closeSession(connection.session)));
}

/** Every connection in `open` has yet to emit 'close' (it removes itself then), even one already closing. */
function closeSession(session: ClientHttp2Session): Promise<void> {
  return new Promise((resolve) => {
    session.once('close', () => resolve());
    if (!session.closed && !session.destroyed) session.close();
  });
}

function failure(status: number, reason: string): PushResult {
  return { ok: false, status, reason };
}

function connectionError(detail: string): PushResult {
  return { ok: false, status: 0, reason: 'ConnectionError', detail };
}
