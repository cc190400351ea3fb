import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InvalidInputError,
  PassmintBaseError,
  PassmintError,
  RetriableError,
  SigningIdentityError,
  ThrottledError,
  type ErrorCode,
} from './errors';
import {
  IdempotencyConflictError,
  PassNotFoundError,
  PassVoidedError,
  QuotaExceededError,
  UpdateConflictError,
} from './pass-engine/errors';
import { DerShapeError } from './validator/der';
import { ZipDamage, ZipRefusal } from './validator/zip-errors';

describe('the error model', () => {
  it.each([
    [new InvalidInputError('Invalid pass body: barcodeValue is required.', []), 400, 'invalid_body'],
    [new PassNotFoundError(), 404, 'pass_not_found'],
    [new PassVoidedError(), 409, 'pass_voided'],
    [new IdempotencyConflictError(), 409, 'idempotency_conflict'],
    [new UpdateConflictError(), 409, 'update_conflict'],
    [new ZipRefusal('zip_too_large', 'The zip would inflate to more than 64 MiB.'), 422, 'zip_too_large'],
    [new QuotaExceededError(100, 3600), 429, 'quota_exceeded'],
    [new ThrottledError('rate_limited', 'Slow down.', 2), 429, 'rate_limited'],
    [new RetriableError('google_keys_unavailable', 'Retry later.'), 503, 'google_keys_unavailable'],
    [new PassmintError('serial_collision', 'Could not allocate a serial number.'), 500, 'serial_collision'],
    [new SigningIdentityError('certificate_expired', 'The certificate expired.'), 500, 'certificate_expired'],
    [new ZipDamage('zip_unreadable', 'Not a zip.'), 500, 'zip_unreadable'],
    [new DerShapeError('SignedData has no signerInfos'), 500, 'asn1_unexpected_shape'],
  ] as const)('%p carries its HTTP status %i and its code', (error, status, code) => {
    expect(error).toBeInstanceOf(PassmintError);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
  });

  it('says where a retry helps, and when', () => {
    expect(new UpdateConflictError()).toBeInstanceOf(RetriableError);
    expect(new UpdateConflictError().retryAfterSeconds).toBeUndefined();
    const quota = new QuotaExceededError(100, 3600);
    expect(quota).toBeInstanceOf(ThrottledError);
    expect(quota).toBeInstanceOf(RetriableError);
    expect(quota.retryAfterSeconds).toBe(3600);
    expect(new PassVoidedError()).not.toBeInstanceOf(RetriableError);
    expect(new InvalidInputError('Bad.', [])).not.toBeInstanceOf(RetriableError);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('ENOENT');
    expect(new PassmintError('file_unreadable', 'Cannot read pass.json.', { cause }).cause).toBe(cause);
  });

  it('makes a misspelt code a compile error (checked by tsc --noEmit)', () => {
    // @ts-expect-error 'pass_not_fonud' is not an ErrorCode
    const misspelt: ErrorCode = 'pass_not_fonud';
    // @ts-expect-error a 429 carries a throttling code
    const unthrottled = new ThrottledError('pass_voided', 'Not a limit.', 1);
    expect([misspelt, unthrottled.code]).toEqual(['pass_not_fonud', 'pass_voided']);
  });

  it("roots the server's errors and the faces' in one base that keeps the code", () => {
    const faceError = new PassmintBaseError('network_error', 'Could not reach the server.');
    expect(faceError).toBeInstanceOf(Error);
    expect([faceError.code, faceError.name, faceError.message]).toEqual([
      'network_error',
      'PassmintBaseError',
      'Could not reach the server.',
    ]);
    expect(new PassNotFoundError()).toBeInstanceOf(PassmintBaseError);
    expect(new PassmintBaseError('network_error', 'x')).not.toBeInstanceOf(PassmintError);
  });
});

// The client is bundled into the Zapier app and takes its base error from here: the entry must
// load nothing at run time, or the bundle would carry the engine's Node dependencies.
describe('@passmint/engine/errors', () => {
  const engineDir = join(__dirname, '..');

  it('is exported from errors.ts', () => {
    const exportsMap = (JSON.parse(readFileSync(join(engineDir, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
    expect(exportsMap['./errors']).toEqual({ types: './dist/errors.d.ts', default: './dist/errors.js' });
  });

  it('requires nothing when loaded alone', () => {
    const built = join(engineDir, 'dist/errors.js');
    if (!existsSync(built)) throw new Error(`${built} is missing: build the engine first (turbo's test task does)`);
    const script = `
      const Module = require('node:module');
      const requested = []; // the first is the entry itself
      const load = Module._load;
      Module._load = function (request, ...rest) { requested.push(request); return load.call(this, request, ...rest); };
      const errors = require(${JSON.stringify(built)});
      Module._load = load;
      process.stdout.write(JSON.stringify({ requested: requested.slice(1), exported: Object.keys(errors) }));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as {
      requested: string[];
      exported: string[];
    };
    expect(loaded.requested).toEqual([]);
    expect(loaded.exported).toEqual(expect.arrayContaining(['PassmintBaseError', 'PassmintError', 'InvalidInputError']));
  });
});
