import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { eventAndWebhookMethods } from './events-and-webhooks';
import { PassmintApiError, PassmintNetworkError } from './errors';
import type {
  FieldUpdate,
  Installation,
  PassCreated,
  PassDetails,
  PassInput,
  PassMergePatch,
  PassPreview,
  PassUpdated,
  PassUpdateInput,
  PassVoided,
  Usage,
  ValidationReport,
} from './types';

export interface PassmintClientOptions {
  /** Where the server is, e.g. `https://passes.example.com`. */
  baseUrl: string;
  /** `pm_live_…` */
  apiKey: string;
  /** Per attempt. Default 30 s (a POST signs a pass and may fetch images). */
  timeoutMs?: number;
  /** Extra attempts for calls that are safe to repeat. Default 2. */
  retries?: number;
  /** Upper bound for one wait between attempts, Retry-After included. Default 10 s. */
  maxRetryDelayMs?: number;
}

export interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
  /** The type `json` is sent as; application/json unless given. */
  jsonType?: string;
  bytes?: Uint8Array;
  headers?: Record<string, string>;
  /** Whether repeating the call can't do anything twice (GET, PUT, DELETE, POST with an Idempotency-Key). */
  idempotent: boolean;
}

/**
 * A typed client for the Passmint HTTP API. Calls that are safe to repeat are retried on network
 * failures, 429 and 5xx, honouring Retry-After; POSTs that issue a pass carry an Idempotency-Key
 * (a fresh one unless given), so a retried POST returns the first pass instead of making a second.
 * Errors are `PassmintApiError` (status, code, issues) or `PassmintNetworkError`.
 */
export function createPassmintClient(options: PassmintClientOptions) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;

  async function attempt(call: Call): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const headers: Record<string, string> = { authorization: `Bearer ${options.apiKey}`, ...call.headers };
    let body: string | Uint8Array | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = call.jsonType ?? 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.bytes) {
      headers['content-type'] = 'application/vnd.apple.pkpass';
      body = call.bytes;
    }
    try {
      const response = await request(`${baseUrl}${call.path}`, {
        method: call.method,
        headers,
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      return { status: response.statusCode, headers: response.headers, body: Buffer.from(await response.body.arrayBuffer()) };
    } catch (error) {
      throw new PassmintNetworkError(`Passmint at ${baseUrl} could not be reached: ${(error as Error).message}`);
    }
  }

  async function send(call: Call): Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    for (let attemptNumber = 0; ; attemptNumber++) {
      try {
        const response = await attempt(call);
        if (response.status < 400) return response;
        throw apiError(response.status, response.headers, response.body);
      } catch (error) {
        const retriable = error instanceof PassmintNetworkError || (error instanceof PassmintApiError && error.retriable);
        if (!call.idempotent || !retriable || attemptNumber >= retries) throw error;
        await sleep(delayMs(error, attemptNumber, maxRetryDelayMs));
      }
    }
  }

  const json = async <T>(call: Call): Promise<T> => JSON.parse((await send(call)).body.toString('utf8')) as T;
  const serialPath = (serialNumber: string) => `/api/passes/${encodeURIComponent(serialNumber)}`;
  const keyHeader = (idempotencyKey?: string) => ({ 'idempotency-key': idempotencyKey ?? randomUUID() });

  return {
    /** POST /api/passes: issue a pass. */
    createPass: (body: PassInput, callOptions: { idempotencyKey?: string } = {}) =>
      json<PassCreated>({
        method: 'POST',
        path: '/api/passes',
        json: body,
        headers: keyHeader(callOptions.idempotencyKey),
        idempotent: true,
      }),
    /** POST /api/passes?format=pkpass: issue a pass and get the signed file. */
    async createPassFile(
      body: PassInput,
      callOptions: { idempotencyKey?: string } = {},
    ): Promise<{ serialNumber: string; pkpass: Buffer }> {
      const response = await send({
        method: 'POST',
        path: '/api/passes?format=pkpass',
        json: body,
        headers: keyHeader(callOptions.idempotencyKey),
        idempotent: true,
      });
      return { serialNumber: String(response.headers['x-serial-number'] ?? ''), pkpass: response.body };
    },
    /** PUT /api/passes/<serial>: replaces the WHOLE pass (omitted fields are dropped) and pushes the change. */
    updatePass: (serialNumber: string, body: PassUpdateInput) =>
      json<PassUpdated>({ method: 'PUT', path: serialPath(serialNumber), json: body, idempotent: true }),
    /**
     * (extension) PATCH /api/passes/<serial>: a JSON merge patch (RFC 7396) of the stored body, then
     * exactly a PUT of the result: a property replaces the stored one (arrays whole), null removes it.
     * Retried like a PUT: applying the same merge patch twice gives the same pass.
     */
    patchPass: (serialNumber: string, patch: PassMergePatch) =>
      json<PassUpdated>({
        method: 'PATCH',
        path: serialPath(serialNumber),
        json: patch,
        jsonType: 'application/merge-patch+json',
        idempotent: true,
      }),
    /**
     * (extension) PATCH /api/passes/<serial>/fields/<key>: sets one field row's value (and its
     * changeMessage when given), then as a PUT. The key is the row's `key` as getPass shows it.
     */
    updateField: (serialNumber: string, key: string, update: FieldUpdate) =>
      json<PassUpdated>({
        method: 'PATCH',
        path: `${serialPath(serialNumber)}/fields/${encodeURIComponent(key)}`,
        json: update,
        idempotent: true,
      }),
    getPass: (serialNumber: string) => json<PassDetails>({ method: 'GET', path: serialPath(serialNumber), idempotent: true }),
    async getPassFile(serialNumber: string): Promise<Buffer> {
      return (await send({ method: 'GET', path: `${serialPath(serialNumber)}/pass.pkpass`, idempotent: true })).body;
    },
    /** DELETE /api/passes/<serial>: void the pass on every device (the record stays). */
    voidPass: (serialNumber: string) => json<PassVoided>({ method: 'DELETE', path: serialPath(serialNumber), idempotent: true }),
    usage: () => json<Usage>({ method: 'GET', path: '/api/auth/usage', idempotent: true }),
    /** Recent installations (Apple, Android, Google), newest first; ids are stable for deduplication. */
    installations: (limit = 50) =>
      json<{ installations: Installation[] }>({ method: 'GET', path: `/api/installations?limit=${limit}`, idempotent: true }),
    preview: (body: PassInput) => json<PassPreview>({ method: 'POST', path: '/api/preview', json: body, idempotent: true }),
    validate: (pkpass: Uint8Array) => json<ValidationReport>({ method: 'POST', path: '/api/validate', bytes: pkpass, idempotent: true }),
    ...eventAndWebhookMethods(json),
  };
}

export type PassmintClient = ReturnType<typeof createPassmintClient>;

function apiError(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer): PassmintApiError {
  let parsed: { error?: unknown; code?: unknown; issues?: unknown } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // Not the contract's JSON (a proxy's page, say): the status speaks for itself.
  }
  const retryAfter = Number(headers['retry-after']);
  return new PassmintApiError(
    status,
    typeof parsed.code === 'string' ? parsed.code : `http_${status}`,
    typeof parsed.error === 'string' ? parsed.error : `Passmint answered ${status}.`,
    Array.isArray(parsed.issues) ? (parsed.issues as { path: string; message: string }[]) : [],
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

/** Retry-After when the server gave one, else 0.5 s, 1 s, 2 s …; never more than the cap. */
function delayMs(error: unknown, attemptNumber: number, maxMs: number): number {
  const retryAfter = error instanceof PassmintApiError ? error.retryAfter : null;
  return Math.min(maxMs, retryAfter !== null ? retryAfter * 1000 : 500 * 2 ** attemptNumber);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
