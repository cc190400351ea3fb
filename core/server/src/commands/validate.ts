import { existsSync, readFileSync } from 'node:fs';
import { APPLE_ROOT_CA_PEM, validatePkpass, type ValidationReport } from '@passmint/engine';
import { devCertPaths } from '../apple-identity';
import { readEnv } from '../env';
import type { CliIo } from './io';

interface ValidateArgs {
  values: { trust?: string[]; json?: boolean };
  positionals: string[];
}

/**
 * `passmint validate <file.pkpass>`: trusts Apple's root, the local development CA when there is
 * one (so passes made here can be checked), and any `--trust` PEM files.
 */
export function validateCommand({ values, positionals }: ValidateArgs, io: CliIo): number {
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    io.err.write('Usage: passmint validate <file.pkpass> [--trust <ca.pem>]... [--json]\n');
    return 2;
  }
  const env = readEnv(io.env);
  const devCa = devCertPaths(env.PASSMINT_DATA_DIR).caCertificate;
  const trustFiles = [...(existsSync(devCa) ? [devCa] : []), ...(values.trust ?? [])];
  const trustedRoots = [APPLE_ROOT_CA_PEM, ...trustFiles.map((path) => readFileSync(path, 'utf8'))];
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    io.err.write(`passmint: cannot read ${file}\n`);
    return 1;
  }
  const report = validatePkpass(bytes, { trustedRoots });
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
