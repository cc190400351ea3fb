import { PassmintError } from '../errors';
import type { RefusalCode } from './types';

/**
 * Reading the archive would cost more than any pass needs (a zip bomb, a lying size): reading
 * stops, and the HTTP API refuses the upload (422) instead of reporting on it.
 */
export class ZipRefusal extends PassmintError {
  override readonly status = 422;

  constructor(
    override readonly code: RefusalCode,
    message: string,
    readonly file?: string,
  ) {
    super(code, message);
  }
}

/** The archive is damaged or uses a feature Wallet does not read; reading stops with a report. */
export class ZipDamage extends PassmintError {
  constructor(
    override readonly code: 'zip_unreadable' | 'zip_header_mismatch',
    message: string,
    readonly file?: string,
  ) {
    super(code, message);
  }
}
