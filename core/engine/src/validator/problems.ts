import type { RefusalCode, Severity, ValidationProblem, ValidationRefusal } from './types';

export interface ProblemLocation {
  file?: string;
  path?: string;
}

/** Past this many problems of one severity the report stops growing, so hostile input cannot blow up its size. */
export const MAX_PROBLEMS_PER_SEVERITY = 200;

/** Collects problems in discovery order; `sorted()` puts errors first. */
export class Problems {
  private readonly items: ValidationProblem[] = [];
  private readonly kept = { error: 0, warning: 0 };
  private readonly dropped = { error: 0, warning: 0 };
  private refused: ValidationRefusal | undefined;

  /** An error that stopped the archive being read at all; the first one is kept as the refusal. */
  refuse(code: RefusalCode, message: string, where: ProblemLocation = {}): void {
    this.error(code, message, where);
    this.refused ??= { ...located('error', code, message, where), code };
  }

  refusal(): ValidationRefusal | undefined {
    return this.refused;
  }

  error(code: string, message: string, where: ProblemLocation = {}): void {
    this.add('error', code, message, where);
  }

  warning(code: string, message: string, where: ProblemLocation = {}): void {
    this.add('warning', code, message, where);
  }

  hasErrors(): boolean {
    return this.kept.error + this.dropped.error > 0;
  }

  codes(): string[] {
    return this.items.map((p) => p.code);
  }

  sorted(): ValidationProblem[] {
    const errors = this.items.filter((p) => p.severity === 'error');
    const warnings = this.items.filter((p) => p.severity === 'warning');
    const result = [...errors, ...warnings];
    const dropped = this.dropped.error + this.dropped.warning;
    if (dropped > 0) {
      result.push({
        severity: 'warning',
        code: 'problems_truncated',
        message: `${dropped} further problems were found but left out of the report.`,
      });
    }
    return result;
  }

  private add(severity: Severity, code: string, message: string, where: ProblemLocation): void {
    if (this.kept[severity] >= MAX_PROBLEMS_PER_SEVERITY) {
      this.dropped[severity] += 1;
      return;
    }
    this.kept[severity] += 1;
    this.items.push(located(severity, code, message, where));
  }
}

function located(severity: Severity, code: string, message: string, where: ProblemLocation): ValidationProblem {
  const problem: ValidationProblem = { severity, code, message };
  if (where.file !== undefined) problem.file = where.file;
  if (where.path !== undefined) problem.path = where.path;
  return problem;
}

/** Location of a value inside pass.json. */
export function inPassJson(path: string): ProblemLocation {
  return { file: 'pass.json', path };
}

export function joinPath(base: string, key: string | number): string {
  return base === '' ? String(key) : `${base}.${key}`;
}

/** The message of anything thrown, for embedding in a problem. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
