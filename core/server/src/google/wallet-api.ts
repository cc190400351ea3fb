import { PassmintError } from '@passmint/engine';
import { request } from 'undici';
import type { AccessTokens } from './access-tokens';

/**
 * A Wallet API call that did not succeed; `googleStatus` is Google's HTTP status, 0 when Google
 * could not be reached. The push worker retries or gives up by that status.
 */
export class GoogleApiError extends PassmintError {
  constructor(
    readonly googleStatus: number,
    message: string,
  ) {
    super('google_api_error', message);
  }
}

type Json = Record<string, unknown>;

/**
 * The Google Wallet Objects REST API (generic classes and objects), at a configurable base URL.
 * @see https://developers.google.com/wallet/reference/rest
 */
export function createWalletApi(options: { baseUrl: string; tokens: AccessTokens; timeoutMs?: number }) {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: Json, retried = false): Promise<Json> {
    const token = await options.tokens.token();
    const response = await request(`${baseUrl}/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    }).catch(() => {
      throw new GoogleApiError(0, `Google Wallet API unreachable (${method} ${path.split('/')[0]}).`);
    });
    const answer = (await response.body.json().catch(() => ({}))) as Json;
    if (response.statusCode === 401 && !retried) {
      options.tokens.invalidate();
      return call(method, path, body, true);
    }
    if (response.statusCode >= 300) {
      const message = ((answer.error as Json | undefined)?.message as string | undefined) ?? '';
      throw new GoogleApiError(
        response.statusCode,
        `Google Wallet API answered ${response.statusCode} to ${method} ${path.split('/')[0]}${message ? `: ${message.slice(0, 200)}` : ''}.`,
      );
    }
    return answer;
  }

  const encoded = (id: string) => encodeURIComponent(id);

  return {
    insertClass: (klass: Json) => call('POST', 'genericClass', klass),
    insertObject: (object: Json) => call('POST', 'genericObject', object),
    getObject: (id: string) => call('GET', `genericObject/${encoded(id)}`),
    patchObject: (id: string, patch: Json) => call('PATCH', `genericObject/${encoded(id)}`, patch),
    addMessage: (id: string, message: Json) => call('POST', `genericObject/${encoded(id)}/addMessage`, { message }),
  };
}

export type WalletApi = ReturnType<typeof createWalletApi>;
