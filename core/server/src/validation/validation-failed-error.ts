import { PassmintError } from '@passmint/engine';

export type ValidationFailureCode = 'validation_busy' | 'validation_timed_out' | 'validation_out_of_memory' | 'validation_failed';

/**
 * Validation produced no report. `validation_timed_out` and `validation_out_of_memory` are the
 * upload's doing, `validation_busy` is load, `validation_failed` is a bug of ours.
 */
export class ValidationFailedError extends PassmintError {
  constructor(
    override readonly code: ValidationFailureCode,
    message: string,
  ) {
    super(code, message);
  }
}
