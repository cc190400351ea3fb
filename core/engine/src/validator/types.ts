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
  /**
   * Set when the archive was refused unread because reading it would cost more than any pass
   * needs (a zip bomb, a lying size, absurd nesting); the same problem is also in `problems`.
   * The HTTP API answers these with 422 instead of a report.
   */
  refused?: ValidationRefusal;
}

/** The problems that stop the validator reading an archive at all (docs/validator.md lists them). */
export const REFUSAL_CODES = [
  'zip_too_many_entries',
  'zip_too_large',
  'zip_entry_too_large',
  'zip_entry_size_mismatch',
  'zip_entries_overlap',
  'image_dimensions_too_large',
  'json_too_deep',
] as const;

export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface ValidationRefusal extends ValidationProblem {
  code: RefusalCode;
}

export interface ValidateOptions {
  /** PEM certificates that may anchor the signer chain; default: [Apple Root CA]. */
  trustedRoots?: string[];
  /** The moment certificate validity is checked against; default: now. */
  now?: Date;
}

/** What a validation worker thread is started with (`workerData`). */
export interface ValidationWorkerData {
  /** The thread's nice value, when higher than the process's (Linux): request threads win the CPU from it. */
  niceness?: number;
}

/** What the server's validation pool sends a worker thread (see validation-worker.ts). */
export interface ValidationJob {
  bytes: Uint8Array;
  options: ValidateOptions;
}

/** The report a worker sends back: pass.json is left out (the API never returns it, and it may be large). */
export type WorkerReport = Omit<ValidationReport, 'passJson'>;

/** Messages from a validation worker: `ready` once it has loaded, then one `report` per job. */
export type ValidationWorkerMessage = { kind: 'ready' } | { kind: 'report'; report: WorkerReport };
