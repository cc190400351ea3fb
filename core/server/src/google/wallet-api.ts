import { googleCollections, PassmintError, type GoogleVertical } from '@passmint/engine';
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
 * The Google Wallet Objects REST API, at a configurable base URL: each vertical's classes and
 * objects live in their own collections (`eventTicketClass`, `flightObject`, …), same verbs.
 * @see https://developers.google.com/wallet/reference/rest
 * @see https://developers.google.com/wallet/reference/rest/v1/eventticketobject/addmessage
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
  const classes = (vertical: GoogleVertical) => googleCollections(vertical).classes;
  const objects = (vertical: GoogleVertical) => googleCollections(vertical).objects;

  return {
    insertClass: (vertical: GoogleVertical, klass: Json) => call('POST', classes(vertical), klass),
    patchClass: (vertical: GoogleVertical, id: string, patch: Json) => call('PATCH', `${classes(vertical)}/${encoded(id)}`, patch),
    insertObject: (vertical: GoogleVertical, object: Json) => call('POST', objects(vertical), object),
    getObject: (vertical: GoogleVertical, id: string) => call('GET', `${objects(vertical)}/${encoded(id)}`),
    patchObject: (vertical: GoogleVertical, id: string, patch: Json) => call('PATCH', `${objects(vertical)}/${encoded(id)}`, patch),
    addMessage: (vertical: GoogleVertical, id: string, message: Json) =>
      call('POST', `${objects(vertical)}/${encoded(id)}/addMessage`, { message }),
  };
}

export type WalletApi = ReturnType<typeof createWalletApi>;
