import { PassmintError } from '../errors';

/** No such pass for this tenant: a foreign serial looks exactly like a missing one. */
export class PassNotFoundError extends PassmintError {
  constructor() {
    super('pass_not_found', 'No pass with this serial number exists.');
  }
}

/** A voided pass is final: Wallet shows it as void and it takes no further updates. */
export class PassVoidedError extends PassmintError {
  constructor() {
    super('pass_voided', 'This pass was voided and can no longer be updated.');
  }
}

/** Retrying helps only after `retryAfterSeconds`. */
export class ThrottledError extends PassmintError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export class QuotaExceededError extends ThrottledError {
  constructor(limit: number, retryAfterSeconds: number) {
    super('quota_exceeded', `The monthly pass quota of ${limit} is used up; it resets on the 1st (UTC).`, retryAfterSeconds);
  }
}

/** An Idempotency-Key reused with a different body. */
export class IdempotencyConflictError extends PassmintError {
  constructor() {
    super('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.');
  }
}
