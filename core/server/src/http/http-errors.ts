import {
  InvalidInputError,
  PassmintError,
  RetriableError,
  SigningIdentityError,
  type ErrorCode,
  type ErrorCodesByStatus,
  type ErrorStatus,
  type InputIssue,
} from '@passmint/engine';

/**
 * An error the HTTP layer raises itself (content type, authentication, device limits), with its
 * status; the code must be one answered with that status.
 */
export class HttpError<S extends ErrorStatus = ErrorStatus> extends PassmintError {
  constructor(
    override readonly status: S,
    code: ErrorCodesByStatus[S],
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, message);
  }
}

export interface ErrorBody {
  error: string;
  code: ErrorCode;
  issues?: InputIssue[];
}

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/** Fastify's own errors we expect from bad requests, in the contract's terms. */
const FRAMEWORK_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
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

/** The contract's error body, for the answers that are not thrown (an unknown route). */
export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: message, code };
}

/**
 * The one place an error becomes a response: the contract's `{ error, code, issues? }`, with the
 * status the error carries. Faults (a 500, an unknown error) become a bare `internal_error` so no
 * stack, path or secret ever reaches a client.
 */
export function errorReply(error: unknown): ErrorReply {
  if (error instanceof PassmintError) return passmintErrorReply(error);
  const framework = frameworkError(error);
  if (framework) return reply(framework.status, framework.code, framework.message);
  return internalError();
}

function passmintErrorReply(error: PassmintError): ErrorReply {
  if (error instanceof SigningIdentityError) {
    return reply(error.status, 'signing_identity_unusable', `The signing certificate for this account cannot be used: ${error.message}`);
  }
  if (error.status === 500) return internalError();
  const body = error instanceof InvalidInputError ? { ...errorBody(error.code, error.message), issues: error.issues } : undefined;
  return { status: error.status, headers: headersOf(error), body: body ?? errorBody(error.code, error.message) };
}

function headersOf(error: PassmintError): Record<string, string> {
  const retryAfter = error instanceof RetriableError && error.retryAfterSeconds !== undefined;
  return {
    ...(retryAfter ? { 'retry-after': String(error.retryAfterSeconds) } : {}),
    ...(error instanceof HttpError ? error.headers : {}),
  };
}

function frameworkError(error: unknown) {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && FRAMEWORK_ERRORS[code]) return FRAMEWORK_ERRORS[code];
  // Malformed requests fastify rejects before routing carry a 4xx statusCode of their own.
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, code: 'bad_request' as const, message: 'The request is malformed.' };
  }
  return undefined;
}

function internalError(): ErrorReply {
  return reply(500, 'internal_error', 'Something went wrong on our side; the request was not completed.');
}

function reply(status: number, code: ErrorCode, message: string): ErrorReply {
  return { status, headers: {}, body: errorBody(code, message) };
}
