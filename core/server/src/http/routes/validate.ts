import type { FastifyInstance } from 'fastify';
import { APPLE_ROOT_CA_PEM, ThrottledError, type WorkerReport } from '@passmint/engine';
import { ValidationFailedError } from '../../validation/validation-failed-error';
import type { AppContext } from '../app-context';
import { registerBinaryParser } from '../body-parsers';
import { HttpError } from '../http-errors';

export const MAX_PKPASS_UPLOAD_BYTES = 10 * 1024 * 1024;
const PKPASS_TYPES = ['application/vnd.apple.pkpass', 'application/octet-stream', 'application/zip'];
/** A full queue drains within a validation or two; a second is a fair first wait. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * POST /api/validate: checks an uploaded .pkpass the way `passmint validate` does, on a worker
 * thread. Apple's root is trusted, and on a development instance its own development CA too, so
 * the instance's own passes check clean. An archive the validator refuses to read (a zip bomb)
 * is a 422 with the refusal's code, not a report.
 */
export function registerValidateRoute(app: FastifyInstance, context: AppContext): void {
  registerBinaryParser(app, PKPASS_TYPES, MAX_PKPASS_UPLOAD_BYTES);
  const trustedRoots = context.identity.isDevelopment ? [APPLE_ROOT_CA_PEM, context.identity.wwdr.toString()] : [APPLE_ROOT_CA_PEM];

  app.post('/api/validate', async (request) => {
    const bytes = request.body;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
      throw new HttpError(400, 'empty_body', 'Send the .pkpass file as the request body.');
    }
    const report = await validateOffThread(context, bytes, trustedRoots);
    if (report.refused) throw new HttpError(422, report.refused.code, report.refused.message);
    const errors = report.problems.filter((problem) => problem.severity === 'error').length;
    return { valid: report.ok, errors, warnings: report.problems.length - errors, problems: report.problems };
  });
}

/** A full queue is load, not the upload's fault: the client is told when to try again. */
async function validateOffThread(context: AppContext, bytes: Buffer, trustedRoots: string[]): Promise<WorkerReport> {
  try {
    return await context.validation.validate(bytes, { trustedRoots });
  } catch (error) {
    if (error instanceof ValidationFailedError && error.code === 'validation_busy') {
      throw new ThrottledError(error.code, error.message, BUSY_RETRY_AFTER_SECONDS);
    }
    throw error;
  }
}
