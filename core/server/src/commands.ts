import { parseArgs } from 'node:util';
import { InvalidInputError, PassmintError } from '@passmint/engine';
import { certsCsrCommand } from './commands/certs-csr';
import { certsDevCommand } from './commands/certs-dev';
import { checkCommand } from './commands/check';
import { commandUsage, mainUsage } from './commands/command-help';
import { demoCommand } from './commands/demo';
import { passCreateCommand } from './commands/pass-create';
import { keysCreateCommand, keysListCommand, keysRevokeCommand } from './commands/keys';
import { migrateCommand } from './commands/migrate';
import { secretsRotateCommand, secretsStatusCommand } from './commands/secrets';
import { serveCommand } from './commands/serve';
import { tenantsCreateCommand, tenantsListCommand, tenantsUpdateCommand } from './commands/tenants';
import { validateCommand } from './commands/validate';
import { PACKAGE_VERSION } from './commands/version';
import type { CliIo } from './commands/io';
import type { PassmintPlugin } from './plugin/plugin';

export type { CliIo } from './commands/io';

/**
 * Runs one command; returns the exit code (0 ok, 1 failure, 2 usage). `--help` (or `-h`) after a
 * command prints that command's usage and does nothing else: no server, no database.
 */
export async function runCli(argv: string[], cliIo: CliIo, plugins: readonly PassmintPlugin[] = []): Promise<number> {
  const io: CliIo = { ...cliIo, plugins: [...(cliIo.plugins ?? []), ...plugins] };
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v' || command === 'version') {
    io.out.write(`passmint ${PACKAGE_VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    const usage = command === 'help' && rest.length > 0 ? commandUsage(rest) : mainUsage();
    if (usage === null) return usageError(io, [], `no command "${rest.join(' ')}"`);
    io.out.write(`${usage}\n`);
    return command === undefined ? 2 : 0;
  }
  const help = asksForHelp(rest) ? commandUsage([command, ...rest]) : null;
  if (help !== null) {
    io.out.write(`${help}\n`);
    return 0;
  }
  try {
    return await dispatch(command, rest, io);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, [command, ...rest], error.message);
    if (error instanceof PassmintError) {
      const issues = error instanceof InvalidInputError ? error.issues.map((issue) => `  ${issue.path || 'body'}: ${issue.message}\n`) : [];
      io.err.write(`passmint: ${error.message}\n${issues.join('')}`);
      return 1;
    }
    throw error;
  }
}

async function dispatch(command: string, rest: string[], io: CliIo): Promise<number> {
  const [action, ...args] = rest;
  switch (command) {
    case 'serve':
      parse(rest, {}, 0);
      return await serveCommand(io);
    case 'migrate':
      parse(rest, {}, 0);
      return await migrateCommand(io);
    case 'check':
      return await checkCommand(parse(rest, { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } }, 0), io);
    case 'tenants':
      return await tenantsCommand(action, args, io);
    case 'keys':
      return await keysCommand(action, args, io);
    case 'demo':
      parse(rest, {}, 0);
      return await demoCommand(io);
    case 'certs':
      if (action === 'dev') return certsDevCommand(parse(args, { force: { type: 'boolean' } }, 0), io);
      if (action === 'csr') return certsCsrCommand(parse(args, certsCsrOptions, 0).values, io);
      throw new UsageError('usage: passmint certs dev | csr');
    case 'pass':
      if (action === 'create') return passCreateCommand(parse(args, passCreateOptions), io);
      throw new UsageError('usage: passmint pass create');
    case 'validate':
      return validateCommand(parse(rest, { trust: { type: 'string', multiple: true }, json: { type: 'boolean' } }), io);
    case 'secrets':
      if (action === 'status') {
        parse(args, {}, 0);
        return await secretsStatusCommand(io);
      }
      if (action === 'rotate') return await secretsRotateCommand(parse(args, { 'new-key-file': { type: 'string' } }, 0).values, io);
      throw new UsageError('usage: passmint secrets status | rotate');
    default:
      throw new UsageError(`unknown command "${command}"`);
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

async function tenantsCommand(action: string | undefined, args: string[], io: CliIo): Promise<number> {
  if (action === 'list') {
    parse(args, {}, 0);
    return tenantsListCommand(io);
  }
  if (action !== 'create' && action !== 'update') throw new UsageError('usage: passmint tenants create <name> | update <tenant> | list');
  const parsed = parse(args, tenantOptions);
  const ref = onePositional(parsed);
  return action === 'create' ? tenantsCreateCommand(ref, parsed.values, io) : tenantsUpdateCommand(ref, parsed.values, io);
}

async function keysCommand(action: string | undefined, args: string[], io: CliIo): Promise<number> {
  const options = { tenant: { type: 'string' }, label: { type: 'string' } } as const;
  if (action === 'create') return keysCreateCommand(parse(args, options, 0).values, io);
  if (action === 'list') return keysListCommand(parse(args, { tenant: options.tenant }, 0).values, io);
  if (action === 'revoke') return keysRevokeCommand(onePositional(parse(args, {})), io);
  throw new UsageError('usage: passmint keys create --tenant <tenant> | list --tenant <tenant> | revoke <key id>');
}

const passCreateOptions = {
  output: { type: 'string', short: 'o' },
  serial: { type: 'string' },
  organization: { type: 'string' },
} as const;

const certsCsrOptions = {
  'pass-type-id': { type: 'string' },
  'team-id': { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const;

/** The command line itself is wrong: exit code 2 and the command's usage. */
class UsageError extends PassmintError {
  constructor(message: string) {
    super('invalid_usage', message);
  }
}

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** Strict parsing: an unknown option, or more positionals than `maxPositionals`, is a usage error. */
function parse<T extends OptionSpec>(args: string[], options: T, maxPositionals = Infinity) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length > maxPositionals) throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  return parsed;
}

function onePositional(parsed: { positionals: string[] }): string {
  if (parsed.positionals.length !== 1)
    throw new UsageError(parsed.positionals.length === 0 ? 'an argument is missing' : `unexpected argument "${parsed.positionals[1]}"`);
  return parsed.positionals[0] as string;
}

/** `--help` or `-h` among a command's arguments (before a `--` that ends the options). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function usageError(io: CliIo, words: string[], problem: string): number {
  io.err.write(`passmint: ${problem}\n\n${commandUsage(words) ?? mainUsage()}\n`);
  return 2;
}
