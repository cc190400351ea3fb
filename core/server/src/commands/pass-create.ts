import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidInputError } from '@passmint/engine';
import { loadConfiguredIdentity } from '../apple-identity';
import { readEnv } from '../env';
import { issuePass } from '../issue-pass';
import type { CliIo } from './io';

interface PassCreateArgs {
  values: { output?: string; serial?: string; organization?: string };
  positionals: string[];
}

/** `passmint pass create body.json -o out.pkpass`: signs a pass from a POST /api/passes body. */
export function passCreateCommand({ values, positionals }: PassCreateArgs, io: CliIo): number {
  const [bodyPath] = positionals;
  if (!bodyPath || !values.output || positionals.length > 1) {
    io.err.write('Usage: passmint pass create <body.json> -o <out.pkpass> [--serial <serial>] [--organization <name>]\n');
    return 2;
  }
  const env = readEnv(io.env, io.plugins);
  const body = readJsonFile(bodyPath);
  const { identity } = loadConfiguredIdentity(env);
  const pass = issuePass(body, {
    identity,
    organizationName: values.organization ?? 'Passmint',
    ...(values.serial === undefined ? {} : { serialNumber: values.serial }),
    ...(env.PASSMINT_PUBLIC_URL === undefined ? {} : { publicUrl: env.PASSMINT_PUBLIC_URL }),
  });
  writeFileSync(values.output, pass.pkpass);
  for (const warning of [...identity.warnings, ...pass.warnings]) io.err.write(`warning: ${warning}\n`);
  io.out.write(`Wrote ${values.output} (serial ${pass.serialNumber}, ${pass.style}, ${pass.pkpass.length} bytes)\n`);
  return 0;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InvalidInputError(`Cannot read ${path}.`, [], 'file_unreadable');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${path} is not valid JSON: ${(error as Error).message}`, [], 'invalid_json');
  }
}
