export type Severity = 'error' | 'warning';

export interface ValidationProblem {
  severity: Severity;
  /** Stable snake_case identifier, e.g. `manifest_hash_mismatch`. */
  code: string;
  /** A human sentence explaining the problem. */
  message: string;
  /** The file inside the .pkpass the problem is about. */
  file?: string;
  /** A dotted JSON path inside pass.json, e.g. `storeCard.primaryFields.0.key`. */
  path?: string;
}

export interface ValidationReport {
  /** True when there is no problem of severity `error`. */
  ok: boolean;
  /** Errors first, then warnings. */
  problems: ValidationProblem[];
  /** pass.json as parsed, when it was readable JSON. */
  passJson?: unknown;
}

export interface ValidateOptions {
  /** PEM certificates that may anchor the signer chain; default: [Apple Root CA]. */
  trustedRoots?: string[];
  /** The moment certificate validity is checked against; default: now. */
  now?: Date;
}
