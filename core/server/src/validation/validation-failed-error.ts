import { PassmintError, type ErrorStatus } from '@passmint/engine';

export type ValidationFailureCode = 'validation_busy' | 'validation_timed_out' | 'validation_out_of_memory' | 'validation_failed';

/** Whose doing it is: the upload's (422), load's (429), or a bug of ours (500). */
const STATUS_OF: Record<ValidationFailureCode, ErrorStatus> = {
  validation_timed_out: 422,
  validation_out_of_memory: 422,
  validation_busy: 429,
  validation_failed: 500,
};

/** Validation produced no report; the status says whose doing that is. */
export class ValidationFailedError extends PassmintError {
  override readonly status: ErrorStatus;

  constructor(
    override readonly code: ValidationFailureCode,
    message: string,
  ) {
    super(code, message);
    this.status = STATUS_OF[code];
  }
}
