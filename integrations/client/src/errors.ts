/** The API answered with an error: `status`, the contract's `code`, and for 400 every `issue`. */
export class PassmintApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: { path: string; message: string }[] = [],
    /** Seconds, from Retry-After (429). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'PassmintApiError';
  }

  /** 429 and 5xx may pass; a 4xx will not. */
  get retriable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The server could not be reached, or did not answer in time. */
export class PassmintNetworkError extends Error {
  readonly code = 'network_error';

  constructor(message: string) {
    super(message);
    this.name = 'PassmintNetworkError';
  }
}
