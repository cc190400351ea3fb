import type { ValidationProblem, ValidationReport } from '../types';

export function codesOf(report: ValidationReport): string[] {
  return report.problems.map((problem) => problem.code);
}

export function errorCodesOf(report: ValidationReport): string[] {
  return report.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.code);
}

/** The first problem with `code`; fails with the codes that were found, to make test failures readable. */
export function problemWith(report: ValidationReport, code: string): ValidationProblem {
  const problem = report.problems.find((candidate) => candidate.code === code);
  if (problem === undefined) throw new Error(`no "${code}" problem; found: ${JSON.stringify(codesOf(report))}`);
  return problem;
}
