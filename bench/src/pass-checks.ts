import { validatePkpass } from '@passmint/engine';
import { spooledPasses } from './pass-spool';
import type { Side, ValidationSummary } from './side-result';

const FIRST_ERRORS_KEPT = 5;

/** Runs Passmint's validator over every spooled pass of one side, trusting the bench's CA. */
export function checkSpooledPasses(dir: string, side: Side, caCertificatePem: string): ValidationSummary {
  const summary: ValidationSummary = { checked: 0, passesWithErrors: 0, errorCodes: {}, warningCodes: {}, firstErrors: [] };
  for (const { name, bytes } of spooledPasses(dir, side)) {
    const report = validatePkpass(bytes, { trustedRoots: [caCertificatePem] });
    summary.checked++;
    if (!report.ok) summary.passesWithErrors++;
    for (const problem of report.problems) {
      const counts = problem.severity === 'error' ? summary.errorCodes : summary.warningCodes;
      counts[problem.code] = (counts[problem.code] ?? 0) + 1;
      if (problem.severity === 'error' && summary.firstErrors.length < FIRST_ERRORS_KEPT) {
        summary.firstErrors.push(`${name}: ${problem.code}: ${problem.message}`);
      }
    }
  }
  return summary;
}
