import type { FastifyInstance } from 'fastify';
import { APPLE_ROOT_CA_PEM, validatePkpass } from '@passmint/engine';
import type { AppContext } from '../app-context';
import { registerBinaryParser } from '../body-parsers';
import { HttpError } from '../http-errors';

export const MAX_PKPASS_UPLOAD_BYTES = 10 * 1024 * 1024;
const PKPASS_TYPES = ['application/vnd.apple.pkpass', 'application/octet-stream', 'application/zip'];

/**
 * POST /api/validate: checks an uploaded .pkpass the way `passmint validate` does. Apple's root
 * is trusted, and on a development instance its own development CA too, so the instance's own
 * passes check clean.
 */
export function registerValidateRoute(app: FastifyInstance, context: AppContext): void {
  registerBinaryParser(app, PKPASS_TYPES, MAX_PKPASS_UPLOAD_BYTES);
  const trustedRoots = context.identity.isDevelopment ? [APPLE_ROOT_CA_PEM, context.identity.wwdr.toString()] : [APPLE_ROOT_CA_PEM];

  app.post('/api/validate', async (request) => {
    const bytes = request.body;
    if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
      throw new HttpError(400, 'empty_body', 'Send the .pkpass file as the request body.');
    }
    const report = validatePkpass(bytes, { trustedRoots });
    const errors = report.problems.filter((problem) => problem.severity === 'error').length;
    return { valid: report.ok, errors, warnings: report.problems.length - errors, problems: report.problems };
  });
}
