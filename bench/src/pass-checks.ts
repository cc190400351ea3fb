import { validatePkpass } from '@passmint/engine';
import type { ValidationSummary } from './side-result';
import type { OutputSink } from './timing';

const FIRST_ERRORS_KEPT = 5;

/**
 * A sink that runs Passmint's validator over every pass a side makes, trusting the bench's CA,
 * between slices (outside the clock), and counts what it finds.
 */
export function validatingSink(caCertificatePem: string): { sink: OutputSink; summary: ValidationSummary } {
  const summary: ValidationSummary = { checked: 0, passesWithErrors: 0, errorCodes: {}, warningCodes: {}, firstErrors: [] };
  const sink: OutputSink = (passes, firstIndex) => {
    passes.forEach((bytes, offset) => {
      const report = validatePkpass(bytes, { trustedRoots: [caCertificatePem] });
      summary.checked++;
      if (!report.ok) summary.passesWithErrors++;
      for (const problem of report.problems) {
        const counts = problem.severity === 'error' ? summary.errorCodes : summary.warningCodes;
        counts[problem.code] = (counts[problem.code] ?? 0) + 1;
        if (problem.severity === 'error' && summary.firstErrors.length < FIRST_ERRORS_KEPT) {
          summary.firstErrors.push(`pass ${firstIndex + offset}: ${problem.code}: ${problem.message}`);
        }
      }
    });
  };
  return { sink, summary };
}
