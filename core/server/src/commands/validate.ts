import { readFileSync, statSync } from 'node:fs';
import { validatePkpass, ZIP_LIMITS, type ValidationRefusal, type ValidationReport } from '@passmint/engine';
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
  const roots = trustedRoots(readEnv(io.env, io.plugins).PASSMINT_DATA_DIR, values.trust);
  let contents: { bytes: Buffer } | { size: number };
  try {
    const size = statSync(file).size;
    contents = size > MAX_FILE_BYTES ? { size } : { bytes: readFileSync(file) };
  } catch {
    io.err.write(`passmint: cannot read ${file}\n`);
    return 1;
  }
  const report = 'bytes' in contents ? validatePkpass(contents.bytes, { trustedRoots: roots }) : tooLargeReport(contents.size);
  io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(file, report));
  return report.ok ? 0 : 1;
}

/** The zip's entries may hold 64 MiB in all; a little more leaves room for their headers. */
const MAX_FILE_BYTES = ZIP_LIMITS.maxTotalBytes + 1024 * 1024;

/** A file that big is refused unread, the way the validator refuses an archive declaring too much. */
function tooLargeReport(size: number): ValidationReport {
  const refusal: ValidationRefusal = {
    severity: 'error',
    code: 'zip_too_large',
    message: `The file is ${size} bytes; a pass's files may hold 64 MiB in all, so it was not read.`,
  };
  return { ok: false, problems: [refusal], refused: refusal };
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
