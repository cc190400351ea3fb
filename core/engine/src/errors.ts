/** One problem with an input, located by a dotted path (`primaryFields.0.label`). */
export interface InputIssue {
  path: string;
  message: string;
}

/** Base of every error Passmint raises on purpose: `code` is stable and snake_case. */
export class PassmintError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input broke the contract; maps to HTTP 400 with `issues`. */
export class InvalidInputError extends PassmintError {
  constructor(
    message: string,
    readonly issues: InputIssue[],
    code = 'invalid_body',
  ) {
    super(code, message);
  }
}

/** Signing material is missing, malformed or inconsistent; fails start-up with a message naming it. */
export class SigningIdentityError extends PassmintError {}
