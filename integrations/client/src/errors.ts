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
