import { InvalidInputError, PassmintError, SigningIdentityError, ThrottledError } from '@passmint/engine';

/** An error the HTTP layer raises itself (auth, content type, limits), with its status. */
export class HttpError extends PassmintError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: string; code: string; issues?: { path: string; message: string }[] };
}

const STATUS_BY_CODE: Record<string, number> = {
  pass_not_found: 404,
  idempotency_conflict: 409,
  pass_voided: 409,
  update_conflict: 409,
};

/** Fastify's own errors we expect from bad requests, in the contract's terms. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 400,
    code: 'unsupported_content_type',
    message: 'Send the body as JSON with Content-Type: application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: 'The Content-Length header does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The body is empty; send a JSON object.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: 'The body is not valid JSON.' },
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'The request URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', message: 'The request could not be routed.' },
  // Node's error for a body cut short by the client: nobody reads the answer, the log does.
  ECONNRESET: { status: 400, code: 'request_aborted', message: 'The connection closed before the request was complete.' },
};

/**
 * The one place an error becomes a response: the contract's `{ error, code, issues? }`. Unknown
 * errors become a bare 500 so no stack, path or secret ever reaches a client.
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof HttpError) return reply(error.status, error.code, error.message, error.headers);
  if (error instanceof InvalidInputError) {
    return { status: 400, headers: {}, body: { error: error.message, code: error.code, issues: error.issues } };
  }
  if (error instanceof ThrottledError) {
    return reply(429, error.code, error.message, { 'retry-after': String(error.retryAfterSeconds) });
  }
  if (error instanceof SigningIdentityError) {
    return reply(500, 'signing_identity_unusable', `The signing certificate for this account cannot be used: ${error.message}`);
  }
  if (error instanceof PassmintError && STATUS_BY_CODE[error.code]) {
    return reply(STATUS_BY_CODE[error.code] as number, error.code, error.message);
  }
  const framework = frameworkError(error);
  if (framework) return reply(framework.status, framework.code, framework.message);
  return reply(500, 'internal_error', 'Something went wrong on our side; the request was not completed.');
}

function frameworkError(error: unknown) {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FRAMEWORK_ERRORS[code]) return FRAMEWORK_ERRORS[code];
  // Malformed requests fastify rejects before routing carry a 4xx statusCode of their own.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: 'bad_request', message: 'The request is malformed.' };
  }
  return undefined;
}

function reply(status: number, code: string, message: string, headers: Record<string, string> = {}): ErrorReply {
  return { status, headers, body: { error: message, code } };
}
