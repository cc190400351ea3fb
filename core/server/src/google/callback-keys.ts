import { request } from 'undici';
import type { GoogleRootKey } from './callback-signature';

const HOUR_MS = 60 * 60_000;

/**
 * Google's root signing keys for Wallet callbacks, fetched from its key list and kept for an hour;
 * when a refresh fails the last good list is used.
 * @see https://developers.google.com/wallet/generic/use-cases/use-callbacks-for-saves-and-deletions
 */
export function createCallbackKeys(url: string, options: { ttlMs?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? HOUR_MS;
  const now = options.now ?? Date.now;
  let cached: { keys: GoogleRootKey[]; fetchedAt: number } | undefined;

  async function fetchKeys(): Promise<GoogleRootKey[]> {
    const response = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    const body = (await response.body.json()) as { keys?: unknown };
    if (response.statusCode !== 200 || !Array.isArray(body.keys)) throw new Error(`key list answered ${response.statusCode}`);
    return body.keys.filter((key): key is GoogleRootKey => typeof (key as GoogleRootKey)?.keyValue === 'string' && typeof (key as GoogleRootKey)?.protocolVersion === 'string');
  }

  return {
    async keys(): Promise<GoogleRootKey[]> {
      if (cached && now() - cached.fetchedAt < ttlMs) return cached.keys;
      try {
        cached = { keys: await fetchKeys(), fetchedAt: now() };
      } catch (error) {
        if (!cached) throw error;
      }
      return cached.keys;
    },
  };
}

export type CallbackKeys = ReturnType<typeof createCallbackKeys>;
