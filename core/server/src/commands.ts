import { parseArgs } from 'node:util';
import { InvalidInputError, PassmintError } from '@passmint/engine';
import { certsDevCommand } from './commands/certs-dev';
import { demoCommand } from './commands/demo';
import { passCreateCommand } from './commands/pass-create';
import { validateCommand } from './commands/validate';
import type { CliIo } from './commands/io';

export type { CliIo } from './commands/io';

const USAGE = `Usage: passmint <command> [options]

Commands:
  demo                                  issue a demo pass to ./data/demo.pkpass (what \`npm start\` runs)
  certs dev [--force]                   create a development signing identity under ./data/dev-certs
  pass create <body.json> -o <out.pkpass> [--serial <serial>] [--organization <name>]
                                        sign a pass from a JSON body (the POST /api/passes body)
  validate <file.pkpass> [--trust <ca.pem>]... [--json]
                                        check a pass the way an iPhone would; exit code 1 on errors

Configuration comes from PASSMINT_* environment variables (see README.md).`;

/** Runs one command; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demoCommand(io);
      case 'certs':
        return rest[0] === 'dev' ? certsDevCommand(parse(rest.slice(1), { force: { type: 'boolean' } }), io) : usage(io);
      case 'pass':
        return rest[0] === 'create' ? passCreateCommand(parse(rest.slice(1), passCreateOptions), io) : usage(io);
      case 'validate':
        return validateCommand(parse(rest, { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } }), io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        return usage(io, `unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(io, error.message);
    if (error instanceof PassmintError) {
      const issues = error instanceof InvalidInputError ? error.issues.map((issue) => `  ${issue.path || 'body'}: ${issue.message}\n`) : [];
      io.err.write(`passmint: ${error.message}\n${issues.join('')}`);
      return 1;
    }
    throw error;
  }
}

const passCreateOptions = {
  output: { type: 'string', short: 'o' },
  serial: { type: 'string' },
  organization: { type: 'string' },
} as const;

class UsageError extends Error {}

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function usage(io: CliIo, problem?: string): number {
  io.err.write(`${problem ? `passmint: ${problem}\n\n` : ''}${USAGE}\n`);
  return 2;
}
