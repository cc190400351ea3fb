import { canonicalHash, normalisePassInput } from '../normalise';
import type { PassRecord } from '../ports';
import { parsePassUpdate } from '../schema';
import { validatePkpass } from '../validator';

export interface StoredPassProblem {
  code: 'body_invalid' | 'hash_mismatch' | 'pkpass_invalid' | 'pkpass_mismatch';
  message: string;
}

/**
 * Re-checks a stored pass as if it had just been written: the body still passes the schema, its
 * canonical hash is the one stored, and the stored .pkpass is valid (signed by a trusted chain) and
 * is this pass (serial, token, type, voided). An empty list means the record is sound.
 */
export function checkStoredPass(pass: PassRecord, trustedRoots: string[], now?: Date): StoredPassProblem[] {
  const problems: StoredPassProblem[] = [];
  const parsed = parsePassUpdate(pass.body);
  if (!parsed.ok) {
    const issues = parsed.error.issues.map((issue) => `${issue.path || 'body'}: ${issue.message}`).join('; ');
    problems.push({ code: 'body_invalid', message: `The stored body no longer passes the schema (${issues}).` });
  } else if (canonicalHash(normalisePassInput(parsed.value)) !== pass.canonicalHash) {
    problems.push({ code: 'hash_mismatch', message: 'The stored canonical hash is not the hash of the stored body.' });
  }
  const report = validatePkpass(pass.pkpass, { trustedRoots, ...(now === undefined ? {} : { now }) });
  const errors = report.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0)
    problems.push({ code: 'pkpass_invalid', message: `The stored .pkpass is invalid: ${errors.map((error) => error.code).join(', ')}.` });
  const mismatch = passJsonMismatch(pass, report.passJson);
  if (mismatch) problems.push({ code: 'pkpass_mismatch', message: `The stored .pkpass is not this pass: ${mismatch} differs.` });
  return problems;
}

function passJsonMismatch(pass: PassRecord, passJson: unknown): string | null {
  if (typeof passJson !== 'object' || passJson === null) return null;
  const json = passJson as Record<string, unknown>;
  if (json.serialNumber !== pass.serialNumber) return 'serialNumber';
  // Present only when the pass was made with a web service to update it.
  if ('authenticationToken' in json && json.authenticationToken !== pass.authenticationToken) return 'authenticationToken';
  if (json.passTypeIdentifier !== pass.passTypeIdentifier) return 'passTypeIdentifier';
  if ((json.voided === true) !== pass.voided) return 'voided';
  return null;
}
