import { Agent, type Dispatcher } from 'undici';
import { PassmintError } from '@passmint/engine';
import {
  ConnectRefusedError,
  createGuardedConnector,
  lookupAll,
  parseHostAllowList,
  secureContextTrusting,
  type HostAllowList,
  type HostLookup,
} from '../net/guarded-connector';
import { signWebhook } from './webhook-signature';
import { parseWebhookUrl, WebhookUrlError } from './webhook-url';

export interface WebhookSenderOptions {
  /** PASSMINT_WEBHOOK_HOSTS_ALLOW: origins that may use plain http and private addresses. */
  allowHosts: string[];
  /** Default: `dns.promises.lookup(hostname, { all: true })`. */
  lookup?: HostLookup;
  /** CAs trusted in addition to Node's default store. */
  ca?: string | string[];
  /** Budget for a whole attempt: lookup, connecting, sending and reading the answer. Default 10 000. */
  timeoutMs?: number;
  userAgent: string;
}

export interface WebhookTarget {
  url: string;
  /** The endpoint's `whsec_…` secret. */
  secret: string;
}

export interface WebhookMessage {
  /** The `webhook-id`, the same on every attempt (the event id). */
  id: string;
  /** The JSON body, signed and sent exactly as given. */
  body: string;
}

/**
 * How one attempt went. `delivered`: a 2xx; `gone`: a 410, the receiver wants no more; `retry`:
 * anything else. `error` is a short phrase for the deliveries log (`HTTP 500`, `connection refused`)
 * that names nothing internal; null when delivered.
 */
export interface WebhookAttempt {
  outcome: 'delivered' | 'retry' | 'gone';
  status: number | null;
  error: string | null;
}

/** Posts signed webhooks to tenant-given URLs without letting them reach internal addresses. */
export interface WebhookSender {
  /**
   * Makes one attempt, stamped and signed for `now`. Resolves for every answer and network
   * failure; rejects only on a fault of ours (an unreadable secret, a message id with a dot).
   */
  send(target: WebhookTarget, message: WebhookMessage, now: Date): Promise<WebhookAttempt>;
  /** Closes pooled connections; the sender is unusable afterwards. */
  close(): Promise<void>;
}

/** The most of an answer read; the rest is dropped with the connection. Nobody reads it anyway. */
export const MAX_WEBHOOK_ANSWER_BYTES = 64 * 1024;
const HTTP_GONE = 410;

interface SendSettings {
  allowHosts: HostAllowList;
  timeoutMs: number;
  userAgent: string;
}

/**
 * Creates the sender of Standard Webhooks deliveries. Every connection is checked at connect time
 * against the address it actually opens (net/guarded-connector.ts); plain http goes only to
 * allow-listed origins. Redirects are not followed: a 3xx is a failed attempt, as the spec advises.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#delivery-success-and-failure
 */
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const settings = settingsOf(options);
  const connect = createGuardedConnector({
    allowHosts: settings.allowHosts,
    lookup: options.lookup ?? lookupAll,
    secureContext: options.ca === undefined ? undefined : secureContextTrusting(options.ca),
    timeoutMs: settings.timeoutMs,
    plainHttpToAllowListed: true,
  });
  const agent = new Agent({ connect });
  return {
    send: (target, message, now) => sendAttempt(agent, settings, target, message, now),
    close: () => agent.close(),
  };
}

/**
 * Throws what `createWebhookSender` throws for bad options, without making a sender and its
 * connection pool: for a sender made on another thread (./webhook-thread-sender.ts).
 */
export function checkWebhookSenderOptions(options: Omit<WebhookSenderOptions, 'lookup'>): void {
  settingsOf(options);
  if (options.ca !== undefined) secureContextTrusting(options.ca);
}

function settingsOf(options: Omit<WebhookSenderOptions, 'lookup'>): SendSettings {
  return {
    allowHosts: parseHostAllowList(options.allowHosts),
    timeoutMs: positiveNumber('timeoutMs', options.timeoutMs ?? 10_000),
    userAgent: options.userAgent,
  };
}

function positiveNumber(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new PassmintError('invalid_config', `${name} must be a positive number`);
  return value;
}

async function sendAttempt(
  agent: Agent,
  settings: SendSettings,
  target: WebhookTarget,
  message: WebhookMessage,
  now: Date,
): Promise<WebhookAttempt> {
  let url: URL;
  try {
    // Checked again here: the allow-list may have changed since the endpoint was created.
    url = parseWebhookUrl(target.url, settings.allowHosts);
  } catch (error) {
    if (error instanceof WebhookUrlError) return { outcome: 'retry', status: null, error: error.message };
    throw error;
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': settings.userAgent,
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(target.secret, message.id, timestamp, message.body),
  };
  const signal = AbortSignal.timeout(settings.timeoutMs);
  let status: number | null = null;
  try {
    const response = await agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers,
      body: message.body,
      signal,
    });
    status = response.statusCode;
    await readAndDrop(response.body);
    return attemptFor(status);
  } catch (error) {
    return { outcome: 'retry', status, error: describeFailure(error, signal, settings.timeoutMs) };
  }
}

/**
 * Reads up to MAX_WEBHOOK_ANSWER_BYTES, within the attempt's time, so a kept-alive connection can
 * be reused; past that the body is destroyed, which closes its connection.
 */
async function readAndDrop(body: Dispatcher.ResponseData['body']): Promise<void> {
  let received = 0;
  // undici's body emits an 'error' when destroyed unread, which would crash the process unheard.
  body.on('error', ignore);
  for await (const chunk of body as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > MAX_WEBHOOK_ANSWER_BYTES) {
      body.destroy();
      return;
    }
  }
}

function ignore(): void {}

function attemptFor(status: number): WebhookAttempt {
  if (status >= 200 && status <= 299) return { outcome: 'delivered', status, error: null };
  if (status === HTTP_GONE) return { outcome: 'gone', status, error: `HTTP ${status}` };
  if (status >= 300 && status <= 399) return { outcome: 'retry', status, error: `HTTP ${status} (redirects are not followed)` };
  return { outcome: 'retry', status, error: `HTTP ${status}` };
}

/** A short phrase for what went wrong on the way: never an address, a path or a stack. */
function describeFailure(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timed out after ${formatDuration(timeoutMs)}`;
  if (error instanceof ConnectRefusedError) {
    return error.code === 'connect_host_unresolved' ? 'host not found' : 'address not allowed (private, loopback or reserved)';
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'request failed';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `timed out after ${formatDuration(timeoutMs)}`;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return 'host unreachable';
  if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) return 'TLS certificate not trusted';
  if (/^(ERR_SSL_|ERR_TLS_|EPROTO$)/.test(code)) return 'TLS handshake failed';
  if (/^(HPE_|UND_ERR_(HEADERS_OVERFLOW|RES_|INFO))/.test(code)) return 'invalid HTTP answer';
  return 'request failed';
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${ms / 1000} s`;
}
