import { PassmintError, RetriableError } from '@passmint/engine';
import { request } from 'undici';
import type { GoogleRootKey } from './callback-signature';

const HOUR_MS = 60 * 60_000;

/**
 * Google's key list could not be had, and no earlier one is kept: callbacks can't be verified now.
 * Answered 503 with Retry-After; Google delivers callbacks again after a failure.
 */
export class GoogleKeysUnavailableError extends RetriableError {
  override readonly status = 503;

  constructor(override readonly retryAfterSeconds: number) {
    super('google_keys_unavailable', "Google's callback signing keys can't be fetched right now; retry later.", retryAfterSeconds);
  }
}

export interface CallbackKeysOptions {
  /** How long a fetched key list is used. Default one hour. */
  ttlMs?: number;
  /** After a failed fetch, no other is tried for this long. Default one minute. */
  retryAfterFailureMs?: number;
  /** Budget of one fetch. Default 10 s. */
  timeoutMs?: number;
  now?: () => number;
}

/**
 * Google's root signing keys for Wallet callbacks, fetched from its key list and kept for an hour.
 * Anyone can post a callback, so a flood of forged ones must not turn into a flood of fetches:
 * one fetch at a time serves every caller (single flight), and after a failure none is tried for
 * a minute (negative cache). Meanwhile the last good list is used, or, when there is none,
 * GoogleKeysUnavailableError says when to retry.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 */
export function createCallbackKeys(url: string, options: CallbackKeysOptions = {}) {
  const ttlMs = options.ttlMs ?? HOUR_MS;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? Date.now;
  let cached: { keys: GoogleRootKey[]; fetchedAt: number } | undefined;
  let failedAt: number | undefined;
  let pending: Promise<GoogleRootKey[]> | undefined;

  async function fetchKeys(): Promise<GoogleRootKey[]> {
    const response = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.body.json()) as { keys?: unknown };
    if (response.statusCode !== 200 || !Array.isArray(body.keys))
      throw new PassmintError('google_api_error', `key list answered ${response.statusCode}`);
    return body.keys.filter(
      (key): key is GoogleRootKey =>
        typeof (key as GoogleRootKey)?.keyValue === 'string' && typeof (key as GoogleRootKey)?.protocolVersion === 'string',
    );
  }

  function unavailable(): GoogleKeysUnavailableError {
    const waitMs = failedAt === undefined ? retryAfterFailureMs : failedAt + retryAfterFailureMs - now();
    return new GoogleKeysUnavailableError(Math.max(1, Math.ceil(waitMs / 1000)));
  }

  async function refresh(): Promise<GoogleRootKey[]> {
    try {
      cached = { keys: await fetchKeys(), fetchedAt: now() };
      failedAt = undefined;
      return cached.keys;
    } catch {
      failedAt = now();
      if (cached) return cached.keys;
      throw unavailable();
    }
  }

  return {
    async keys(): Promise<GoogleRootKey[]> {
      if (cached && now() - cached.fetchedAt < ttlMs) return cached.keys;
      if (failedAt !== undefined && now() - failedAt < retryAfterFailureMs) {
        if (cached) return cached.keys;
        throw unavailable();
      }
      pending ??= refresh().finally(() => (pending = undefined));
      return pending;
    },
  };
}

export type CallbackKeys = ReturnType<typeof createCallbackKeys>;
