import { PassmintError, RetriableError, ThrottledError } from '../errors';

/** No such pass for this tenant: a foreign serial looks exactly like a missing one. */
export class PassNotFoundError extends PassmintError {
  override readonly status = 404;

  constructor() {
    super('pass_not_found', 'No pass with this serial number exists.');
  }
}

/** A voided pass is final: Wallet shows it as void and it takes no further updates. */
export class PassVoidedError extends PassmintError {
  override readonly status = 409;

  constructor() {
    super('pass_voided', 'This pass was voided and can no longer be updated.');
  }
}

export class QuotaExceededError extends ThrottledError {
  constructor(limit: number, retryAfterSeconds: number) {
    super('quota_exceeded', `The monthly pass quota of ${limit} is used up; it resets on the 1st (UTC).`, retryAfterSeconds);
  }
}

/** An Idempotency-Key reused with a different body. */
export class IdempotencyConflictError extends PassmintError {
  override readonly status = 409;

  constructor() {
    super('idempotency_conflict', 'This Idempotency-Key was already used with a different request body.');
  }
}

/** Concurrent updates kept winning the race for the pass; the same update may well go through now. */
export class UpdateConflictError extends RetriableError {
  override readonly status = 409;

  constructor() {
    super('update_conflict', 'The pass kept changing under concurrent updates; retry.');
  }
}

/** No field row of the pass has this key (given or derived). */
export class FieldNotFoundError extends PassmintError {
  override readonly status = 404;

  constructor(key: string) {
    super('field_not_found', `This pass has no field with the key ${JSON.stringify(key.slice(0, 64))}.`);
  }
}
