import {
  InvalidInputError,
  PassmintError,
  PassNotFoundError,
  QuotaExceededError,
  SigningIdentityError,
  UpdateConflictError,
} from '@passmint/engine';
import { GoogleKeysUnavailableError } from '../google/callback-keys';
import { ValidationFailedError } from '../validation/validation-failed-error';
import { errorReply, HttpError } from './http-errors';

const INTERNAL = {
  status: 500,
  headers: {},
  body: { error: 'Something went wrong on our side; the request was not completed.', code: 'internal_error' },
};

describe('errorReply: the status travels with the error', () => {
  it('answers an invalid input 400 with its issues', () => {
    const error = new InvalidInputError('Invalid pass body: barcodeValue is required.', [{ path: 'barcodeValue', message: 'is required' }]);
    expect(errorReply(error)).toEqual({
      status: 400,
      headers: {},
      body: {
        error: 'Invalid pass body: barcodeValue is required.',
        code: 'invalid_body',
        issues: [{ path: 'barcodeValue', message: 'is required' }],
      },
    });
    expect(Object.keys(errorReply(error).body)).toEqual(['error', 'code', 'issues']);
  });

  it.each([
    [new PassNotFoundError(), 404, 'pass_not_found', 'No pass with this serial number exists.'],
    [new UpdateConflictError(), 409, 'update_conflict', 'The pass kept changing under concurrent updates; retry.'],
    [new HttpError(422, 'zip_too_many_entries', 'Too many entries.'), 422, 'zip_too_many_entries', 'Too many entries.'],
    [new ValidationFailedError('validation_timed_out', 'Too slow.'), 422, 'validation_timed_out', 'Too slow.'],
    [new HttpError(401, 'invalid_callback', 'Not signed by Google.'), 401, 'invalid_callback', 'Not signed by Google.'],
  ] as const)('answers %p with %i', (error, status, code, message) => {
    expect(errorReply(error)).toEqual({ status, headers: {}, body: { error: message, code } });
  });

  it('sends Retry-After for errors that say when to retry', () => {
    expect(errorReply(new QuotaExceededError(100, 3600))).toEqual({
      status: 429,
      headers: { 'retry-after': '3600' },
      body: { error: 'The monthly pass quota of 100 is used up; it resets on the 1st (UTC).', code: 'quota_exceeded' },
    });
    expect(errorReply(new GoogleKeysUnavailableError(60))).toEqual({
      status: 503,
      headers: { 'retry-after': '60' },
      body: { error: "Google's callback signing keys can't be fetched right now; retry later.", code: 'google_keys_unavailable' },
    });
  });

  it('sends the headers an HTTP error carries', () => {
    const error = new HttpError(401, 'missing_api_key', 'Send your API key.', { 'www-authenticate': 'Bearer' });
    expect(errorReply(error)).toEqual({
      status: 401,
      headers: { 'www-authenticate': 'Bearer' },
      body: { error: 'Send your API key.', code: 'missing_api_key' },
    });
  });

  it('tells the operator why the signing identity is unusable', () => {
    expect(errorReply(new SigningIdentityError('certificate_expired', 'The pass certificate expired on 2025-01-01.'))).toEqual({
      status: 500,
      headers: {},
      body: {
        error: 'The signing certificate for this account cannot be used: The pass certificate expired on 2025-01-01.',
        code: 'signing_identity_unusable',
      },
    });
  });

  it('answers faults with a bare internal_error, whatever their message says', () => {
    expect(errorReply(new PassmintError('serial_collision', 'Could not allocate a serial number.'))).toEqual(INTERNAL);
    expect(errorReply(new ValidationFailedError('validation_failed', 'The validator stopped (at /srv/x.js:1).'))).toEqual(INTERNAL);
    expect(errorReply(new Error('ECONNREFUSED 10.0.0.5:5432'))).toEqual(INTERNAL);
    expect(errorReply('a string')).toEqual(INTERNAL);
    expect(errorReply(null)).toEqual(INTERNAL);
  });

  it("answers fastify's own errors in the contract's terms", () => {
    expect(errorReply(Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }))).toEqual({
      status: 413,
      headers: {},
      body: { error: 'The request body is too large.', code: 'body_too_large' },
    });
    expect(errorReply(Object.assign(new Error('x'), { statusCode: 405 }))).toEqual({
      status: 405,
      headers: {},
      body: { error: 'The request is malformed.', code: 'bad_request' },
    });
  });

  it('lets an HTTP error name only a code of its status (checked by tsc --noEmit)', () => {
    // @ts-expect-error invalid_json is a 400, not a 409
    const mismatched = new HttpError(409, 'invalid_json', 'The body is not valid JSON.');
    expect(errorReply(mismatched).status).toBe(409);
  });
});
