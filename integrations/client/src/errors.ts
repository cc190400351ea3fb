// The base comes from the engine's dependency-free entry: the client is bundled into the Zapier
// app, and `@passmint/engine` itself would bring its Node dependencies along.
import { PassmintBaseError } from '@passmint/engine/errors';

/** The API answered with an error: `status`, the contract's `code`, and for 400 every `issue`. */
export class PassmintApiError extends PassmintBaseError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(code, message);
    // Set by hand: a bundler may rename the class.
    this.name = 'PassmintApiError';
  }

  /** 429 and 5xx may pass; a 4xx will not. */
  get retriable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The server could not be reached, or did not answer in time. */
export class PassmintNetworkError extends PassmintBaseError {
  override readonly code = 'network_error';

  constructor(message: string) {
    super('network_error', message);
    this.name = 'PassmintNetworkError';
  }
}

/** Why `verifyWebhook` refused a delivery. */
export type WebhookErrorCode =
  | 'webhook_headers_missing'
  | 'webhook_timestamp_out_of_range'
  | 'webhook_signature_invalid'
  | 'webhook_payload_invalid'
  | 'webhook_secret_invalid';

/** A webhook delivery did not verify: answer it with 401 (or 400) and do not act on it. */
export class PassmintWebhookError extends PassmintBaseError {
  constructor(
    override readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'PassmintWebhookError';
  }
}
