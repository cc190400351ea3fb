import type { RefusalCode } from './validator/types';

/** One problem with an input, located by a dotted path (`primaryFields.0.label`). */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * Every `code` the HTTP API answers with and the CLI fails with, under the HTTP status it is
 * answered with (docs/api.md#errors lists the API's): a misspelt code is a compile error, and a
 * throw site that picks its status (`new HttpError(409, …)`) can only name a code of that status.
 */
export interface ErrorCodesByStatus {
  400:
    | 'invalid_body'
    | 'invalid_json'
    | 'invalid_utf8'
    | 'unsupported_content_type'
    | 'invalid_content_length'
    | 'invalid_idempotency_key'
    | 'invalid_serial'
    | 'image_url_forbidden'
    | 'image_fetch_failed'
    | 'image_too_large'
    | 'invalid_image'
    | 'empty_body'
    | 'bad_url'
    | 'bad_request'
    | 'request_aborted'
    | 'invalid_device'
    | 'invalid_push_token'
    // `passmint pass create <file>`: the file is the body.
    | 'file_unreadable'
    // (extension) a query parameter out of range or malformed (events, deliveries, the timeline)
    | 'invalid_query'
    // (extension) webhooks
    | 'invalid_webhook'
    | 'webhook_url_invalid'
    | 'webhook_url_forbidden';
  401: 'missing_api_key' | 'invalid_api_key' | 'revoked_api_key' | 'unauthorized' | 'invalid_callback';
  404: 'pass_not_found' | 'not_found' | 'image_not_found' | 'field_not_found' | 'webhook_not_found';
  408: 'request_timeout';
  409: 'idempotency_conflict' | 'pass_voided' | 'update_conflict' | 'device_limit_reached' | 'webhook_limit_reached';
  413: 'body_too_large';
  415: 'unsupported_media_type';
  422: RefusalCode | 'validation_timed_out' | 'validation_out_of_memory';
  429: 'rate_limited' | 'quota_exceeded' | 'validation_busy' | 'registration_rate_limited' | 'log_rate_limited';
  431: 'headers_too_large';
  500: 'internal_error' | 'signing_identity_unusable' | UntoldErrorCode;
  503: 'google_keys_unavailable';
}

/**
 * Codes of the CLI, of start-up and of faults on our side. An HTTP client that meets one is told
 * only `internal_error`; the CLI and the log say the message.
 */
type UntoldErrorCode =
  // passmint commands and configuration
  | 'invalid_usage'
  | 'invalid_option'
  | 'invalid_config'
  | 'invalid_tenant_name'
  | 'tenant_not_found'
  | 'tenant_required'
  | 'key_not_found'
  | 'file_exists'
  | 'new_key_unreadable'
  | 'new_key_required'
  | 'rotation_unfinished'
  | 'apns_key_unreadable'
  | 'apns_key_invalid'
  | 'google_service_account_unreadable'
  | 'google_service_account_invalid'
  // signing identities (SigningIdentityError)
  | 'identity_file_missing'
  | 'identity_file_unreadable'
  | 'key_mismatch'
  | 'key_unsupported'
  | 'key_unreadable'
  | 'p12_unreadable'
  | 'p12_no_certificate'
  | 'p12_no_key'
  | 'certificate_unreadable'
  | 'certificate_not_yet_valid'
  | 'certificate_expired'
  | 'not_a_pass_certificate'
  | 'pass_type_id_mismatch'
  | 'wwdr_not_issuer'
  | 'invalid_pass_type_id'
  | 'invalid_team_id'
  // secrets at rest (SecretKeyError)
  | 'secret_key_invalid'
  | 'secret_key_missing'
  | 'secret_key_unknown'
  | 'secret_unreadable'
  // faults: storage, Google, images, the validator's own reading
  | 'conflict'
  | 'serial_collision'
  | 'image_unavailable'
  | 'google_auth_failed'
  | 'google_api_error'
  | 'validation_failed'
  | 'zip_unreadable'
  | 'zip_header_mismatch'
  | 'asn1_unexpected_shape';

export type ErrorStatus = keyof ErrorCodesByStatus;
export type ErrorCode = ErrorCodesByStatus[ErrorStatus];

/**
 * Root of every error a Passmint package raises on purpose, the server's and the faces' alike:
 * `code` is stable and snake_case. PassmintError narrows it to the server's codes and adds the
 * HTTP status; a face (the client, the shop adapters) names codes of its own. This module imports
 * nothing at run time, so `@passmint/engine/errors` stays light enough for the client's bundle.
 */
export class PassmintBaseError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Base of every error the server raises on purpose: `code` is one of its codes, and `status` is
 * the HTTP status it is answered with. A 500 is a fault of ours: the client gets
 * `internal_error` and nothing more, the log gets the message.
 */
export class PassmintError extends PassmintBaseError {
  readonly status: ErrorStatus = 500;

  constructor(
    override readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

/** The input broke the contract; answered 400 with `issues`. */
export class InvalidInputError extends PassmintError {
  override readonly status = 400;

  constructor(
    message: string,
    readonly issues: InputIssue[],
    code: ErrorCode = 'invalid_body',
  ) {
    super(code, message);
  }
}

/** Trying again may succeed: at once, or after `retryAfterSeconds` when set (sent as Retry-After). */
export class RetriableError extends PassmintError {
  override readonly status: ErrorStatus = 503;

  constructor(
    code: ErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
  }
}

/** A limit was reached: retrying helps only after `retryAfterSeconds`. Answered 429. */
export class ThrottledError extends RetriableError {
  override readonly status = 429;

  constructor(
    code: ErrorCodesByStatus[429],
    message: string,
    override readonly retryAfterSeconds: number,
  ) {
    super(code, message, retryAfterSeconds);
  }
}

/**
 * Signing material is missing, malformed or inconsistent: start-up fails with a message naming it,
 * and a request signed with it is answered 500 `signing_identity_unusable` with that message, since
 * only the operator can fix it.
 */
export class SigningIdentityError extends PassmintError {}
