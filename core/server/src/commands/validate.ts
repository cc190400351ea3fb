import { readFileSync } from 'node:fs';
import { validatePkpass, type ValidationReport } from '@passmint/engine';
import { readEnv } from '../env';
import type { CliIo } from './io';
import { trustedRoots } from './trusted-roots';

interface ValidateArgs {
  values: { trust?: string[]; json?: boolean };
  positionals: string[];
}

/** `passmint validate <file.pkpass>`: checks a pass against the roots of `trustedRoots`. */
export function validateCommand({ values, positionals }: ValidateArgs, io: CliIo): number {
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    io.err.write('Usage: passmint validate <file.pkpass> [--trust <ca.pem>]... [--json]\n');
    return 2;
  }
  const roots = trustedRoots(readEnv(io.env).PASSMINT_DATA_DIR, values.trust);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    io.err.write(`passmint: cannot read ${file}\n`);
    return 1;
  }
  const report = validatePkpass(bytes, { trustedRoots: roots });
  io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(file, report));
  return report.ok ? 0 : 1;
}

export function formatReport(file: string, report: ValidationReport): string {
  const errors = report.problems.filter((problem) => problem.severity === 'error').length;
  const warnings = report.problems.length - errors;
  const lines = report.problems.map((problem) => {
    const where = [problem.file, problem.path].filter(Boolean).join(' ');
    return `${problem.severity === 'error' ? 'error  ' : 'warning'}  ${problem.code}: ${problem.message}${where ? ` (${where})` : ''}`;
  });
  const verdict = report.ok ? `${file}: valid` : `${file}: INVALID`;
  lines.push(`${verdict} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})`);
  return `${lines.join('\n')}\n`;
}
