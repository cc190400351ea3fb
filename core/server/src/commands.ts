import { parseArgs } from 'node:util';
import { InvalidInputError, PassmintError } from '@passmint/engine';
import { certsDevCommand } from './commands/certs-dev';
import { checkCommand } from './commands/check';
import { demoCommand } from './commands/demo';
import { passCreateCommand } from './commands/pass-create';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys';
import { migrateCommand } from './commands/migrate';
import { serveCommand } from './commands/serve';
import { tenantsCreateCommand, tenantsListCommand, tenantsUpdateCommand } from './commands/tenants';
import { validateCommand } from './commands/validate';
import type { CliIo } from './commands/io';

export type { CliIo } from './commands/io';

const USAGE = `Usage: passmint <command> [options]

Commands:
  serve                                 start the HTTP API (what \`npm start\` runs)
  tenants create <name> [--quota <n>] [--apple-cert <pem> --apple-key <pem> [--apple-key-passphrase <p>] [--apple-wwdr <pem>] | --apple-p12 <file>]
                 [--google-issuer-id <id> --google-service-account <key.json>]
                                        add a tenant; prints its id
  tenants update <tenant> [--name <name>] [--quota <n> | --no-quota] [--apple-… | --instance-certificate] [--google-… | --instance-google]
  tenants list
  keys create --tenant <tenant> [--label <text>]
                                        a new API key for a tenant; prints the key (shown once)
  keys list --tenant <tenant>
  keys revoke <key id>
  migrate                               create or upgrade the database schema
  check [--trust <ca.pem>]... [--json]  re-validate every stored pass and look at the push outbox; exit code 1 on problems
  demo                                  issue a demo pass to ./data/demo.pkpass
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
      case 'serve':
        return await serveCommand(io);
      case 'migrate':
        return await migrateCommand(io);
      case 'check':
        return await checkCommand(parse(rest, { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } }), io);
      case 'tenants':
        return await tenantsCommand(rest, io);
      case 'keys':
        return await keysCommand(rest, io);
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

const tenantOptions = {
  quota: { type: 'string' },
  name: { type: 'string' },
  'no-quota': { type: 'boolean' },
  'apple-cert': { type: 'string' },
  'apple-key': { type: 'string' },
  'apple-key-passphrase': { type: 'string' },
  'apple-wwdr': { type: 'string' },
  'apple-p12': { type: 'string' },
  'instance-certificate': { type: 'boolean' },
  'google-issuer-id': { type: 'string' },
  'google-service-account': { type: 'string' },
  'instance-google': { type: 'boolean' },
} as const;

async function tenantsCommand([action, ...args]: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, tenantOptions);
  if (action === 'create' && positionals.length === 1) return tenantsCreateCommand(positionals[0] as string, values, io);
  if (action === 'update' && positionals.length === 1) return tenantsUpdateCommand(positionals[0] as string, values, io);
  if (action === 'list' && positionals.length === 0) return tenantsListCommand(io);
  return usage(io, 'usage: passmint tenants create <name> | update <tenant> | list');
}

async function keysCommand([action, ...args]: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { tenant: { type: 'string' }, label: { type: 'string' } });
  if (action === 'create' && positionals.length === 0) return keysCreateCommand(values, io);
  if (action === 'list' && positionals.length === 0) return keysListCommand(values, io);
  if (action === 'revoke' && positionals.length === 1) return keysRevokeCommand(positionals[0] as string, io);
  return usage(io, 'usage: passmint keys create --tenant <tenant> | list --tenant <tenant> | revoke <key id>');
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
