import { PassmintError, type StoredGoogleIdentity } from '@passmint/engine';
import type { Store, TenantPatch } from '../store/store-port';
import { readServiceAccount } from '../google/service-account';
import { readEnv } from '../env';
import { openStore } from '../store/open-store';
import {
  checkTenantName,
  createTenant,
  findTenantOrThrow,
  readTenantAppleIdentity,
  type AppleIdentityFiles,
} from '../tenants/tenant-admin';
import type { CliIo } from './io';

export interface TenantOptions {
  quota?: string;
  'apple-cert'?: string;
  'apple-key'?: string;
  'apple-key-passphrase'?: string;
  'apple-wwdr'?: string;
  'apple-p12'?: string;
  name?: string;
  'no-quota'?: boolean;
  'instance-certificate'?: boolean;
  'google-issuer-id'?: string;
  'google-service-account'?: string;
  'instance-google'?: boolean;
}

/** Opens the store for one admin command and always closes it. */
export async function withStore<T>(io: CliIo, action: (store: Store) => Promise<T>): Promise<T> {
  const { store } = await openStore(readEnv(io.env, io.plugins));
  try {
    return await action(store);
  } finally {
    await store.close();
  }
}

/** `passmint tenants create <name> [--quota N] [--apple-cert … --apple-key … | --apple-p12 …]`: prints the id alone. */
export async function tenantsCreateCommand(name: string, options: TenantOptions, io: CliIo): Promise<number> {
  const appleIdentity = appleFilesOf(options) ? readTenantAppleIdentity(appleFilesOf(options) as AppleIdentityFiles) : null;
  const googleIdentity = googleIdentityOf(options) ?? null;
  const tenant = await withStore(io, (store) =>
    createTenant(store, { name, monthlyQuota: quotaOf(options.quota), appleIdentity, googleIdentity }),
  );
  io.out.write(`${tenant.id}\n`);
  return 0;
}

/** `passmint tenants list`: id, name, quota, certificate, one tenant a line. */
export async function tenantsListCommand(io: CliIo): Promise<number> {
  const tenants = await withStore(io, (store) => store.listTenants());
  for (const tenant of tenants) {
    const quota = tenant.monthlyQuota === null ? 'unlimited' : `${tenant.monthlyQuota}/month`;
    const google = tenant.googleIdentity ? `own Google issuer ${tenant.googleIdentity.issuerId}` : 'instance Google issuer';
    io.out.write(
      `${tenant.id}\t${tenant.name}\t${quota}\t${tenant.appleIdentity ? 'own certificate' : 'instance certificate'}\t${google}\n`,
    );
  }
  return 0;
}

/** `passmint tenants update <tenant> [--name …] [--quota N | --no-quota] [--apple-… | --instance-certificate]`. */
export async function tenantsUpdateCommand(ref: string, options: TenantOptions, io: CliIo): Promise<number> {
  const files = appleFilesOf(options);
  if (options.name !== undefined) checkTenantName(options.name);
  const patch: TenantPatch = {
    updatedAt: new Date().toISOString(),
    ...(options.name === undefined ? {} : { name: options.name }),
    ...(options.quota === undefined ? {} : { monthlyQuota: quotaOf(options.quota) }),
    ...(options['no-quota'] ? { monthlyQuota: null } : {}),
    ...(files ? { appleIdentity: readTenantAppleIdentity(files) } : {}),
    ...(options['instance-certificate'] ? { appleIdentity: null } : {}),
    ...(googleIdentityOf(options) ? { googleIdentity: googleIdentityOf(options) } : {}),
    ...(options['instance-google'] ? { googleIdentity: null } : {}),
  };
  const tenant = await withStore(io, async (store) => store.updateTenant((await findTenantOrThrow(store, ref)).id, patch));
  io.out.write(`${tenant?.id ?? ref}\n`);
  return 0;
}

function appleFilesOf(options: TenantOptions): AppleIdentityFiles | undefined {
  const files: AppleIdentityFiles = {
    certificate: options['apple-cert'],
    key: options['apple-key'],
    passphrase: options['apple-key-passphrase'],
    wwdr: options['apple-wwdr'],
    p12: options['apple-p12'],
  };
  return files.certificate || files.key || files.p12 ? files : undefined;
}

/** A tenant's own Google issuer: both options together, the key checked as the server would. */
function googleIdentityOf(options: TenantOptions): StoredGoogleIdentity | undefined {
  const issuerId = options['google-issuer-id'];
  const path = options['google-service-account'];
  if (issuerId === undefined && path === undefined) return undefined;
  if (!issuerId || !path || !/^\d{1,30}$/.test(issuerId)) {
    throw new PassmintError('invalid_option', '--google-issuer-id <digits> and --google-service-account <key.json> go together.');
  }
  const account = readServiceAccount(path, '--google-service-account');
  return {
    issuerId,
    serviceAccount: { client_email: account.clientEmail, private_key: account.privateKeyPem, token_uri: account.tokenUri },
  };
}

function quotaOf(value: string | undefined): number | null {
  if (value === undefined) return null;
  const quota = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(quota)) {
    throw new PassmintError('invalid_option', `--quota must be a whole number of passes a month (got "${value}").`);
  }
  return quota;
}
