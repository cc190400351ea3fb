import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  certificatePemOf,
  loadSigningIdentity,
  PassmintError,
  SigningIdentityError,
  StoreConflictError,
  type StoredAppleIdentity,
  type StoredGoogleIdentity,
  type TenantRecord,
} from '@passmint/engine';
import type { ApiKeyRecord, Store } from '../store/store-port';
import { generateApiKey } from '../keys/api-keys';

export const DEFAULT_TENANT_NAME = 'Passmint';

export class TenantNotFoundError extends PassmintError {
  constructor(ref: string) {
    super('tenant_not_found', `No tenant named or with id "${ref}".`);
  }
}

/** Where a tenant's own Apple certificate comes from: PEM files, or a .p12. */
export interface AppleIdentityFiles {
  certificate?: string;
  key?: string;
  passphrase?: string;
  wwdr?: string;
  p12?: string;
}

export async function createTenant(
  store: Store,
  input: {
    name: string;
    monthlyQuota?: number | null;
    appleIdentity?: StoredAppleIdentity | null;
    googleIdentity?: StoredGoogleIdentity | null;
  },
  now = new Date(),
): Promise<TenantRecord> {
  checkTenantName(input.name);
  return store.createTenant({
    id: `ten_${randomBytes(12).toString('base64url')}`,
    name: input.name,
    monthlyQuota: input.monthlyQuota ?? null,
    appleIdentity: input.appleIdentity ?? null,
    ...(input.googleIdentity ? { googleIdentity: input.googleIdentity } : {}),
    createdAt: now.toISOString(),
  });
}

/** Names are what operators type (`--tenant <name>`), so they must not pass for another tenant's id. */
export function checkTenantName(name: string): void {
  if (name.trim() === '' || name.length > 64 || name.startsWith('ten_')) {
    throw new PassmintError(
      'invalid_tenant_name',
      `A tenant name is 1 to 64 characters and does not start with "ten_" (got "${name.slice(0, 80)}").`,
    );
  }
}

export async function findTenantOrThrow(store: Store, ref: string): Promise<TenantRecord> {
  const tenant = await store.findTenant(ref);
  if (!tenant) throw new TenantNotFoundError(ref);
  return tenant;
}

/** A new key for a tenant; the returned `key` is the only time it exists in clear. */
export async function createApiKeyFor(store: Store, tenantRef: string, label: string | null = null, now = new Date()) {
  const tenant = await findTenantOrThrow(store, tenantRef);
  const material = generateApiKey();
  const record = await store.createApiKey({
    id: material.id,
    tenantId: tenant.id,
    hash: material.hash,
    prefix: material.prefix,
    label,
    createdAt: now.toISOString(),
  });
  return { key: material.key, record, tenant };
}

/**
 * First start: a default tenant and one key, so the API works with zero configuration. Returns the
 * key when it made one (the caller prints it once), else null.
 */
export async function ensureDefaultTenant(store: Store): Promise<{ tenant: TenantRecord; key: string } | null> {
  if ((await store.listTenants()).length > 0) return null;
  let tenant: TenantRecord;
  try {
    tenant = await createTenant(store, { name: DEFAULT_TENANT_NAME });
  } catch (error) {
    // Another process starting on the same empty database made it first (tenant names are unique).
    if (error instanceof StoreConflictError) return null;
    throw error;
  }
  const { key } = await createApiKeyFor(store, tenant.id, 'created at first start');
  return { tenant, key };
}

/**
 * Reads and checks a tenant's own certificate (PEM, or the DER `.cer` Apple's portal downloads) as
 * the server would at start-up, and returns it in the form the store keeps (sealing the key):
 * PEM certificate, unencrypted PKCS#8 key, and the chain certificate if given. A .p12's passphrase
 * only opens the file here; it is not kept.
 */
export function readTenantAppleIdentity(files: AppleIdentityFiles): StoredAppleIdentity {
  const wwdrPem = files.wwdr ? certificatePemOf(readBytes(files.wwdr), `WWDR certificate ${files.wwdr}`) : undefined;
  const identity = files.p12
    ? loadSigningIdentity({ p12: readBytes(files.p12), passphrase: files.passphrase, wwdrPem })
    : loadSigningIdentity({
        certificatePem: certificatePemOf(readBytes(requiredFile(files.certificate, '--apple-cert')), `certificate ${files.certificate}`),
        privateKeyPem: readText(requiredFile(files.key, '--apple-key')),
        passphrase: files.passphrase,
        wwdrPem,
      });
  return {
    certificatePem: identity.certificate.toString(),
    privateKeyPem: identity.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ...(wwdrPem === undefined ? {} : { wwdrPem }),
  };
}

export function describeKey(key: ApiKeyRecord): string {
  return `${key.id}\t${key.prefix}…\t${key.revokedAt ? `revoked ${key.revokedAt}` : 'active'}\t${key.label ?? ''}`;
}

function requiredFile(path: string | undefined, option: string): string {
  if (!path) throw new SigningIdentityError('identity_file_missing', `${option} is required with a PEM certificate.`);
  return path;
}

function readText(path: string): string {
  return readBytes(path).toString('utf8');
}

function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch {
    throw new SigningIdentityError('identity_file_unreadable', `The file ${path} cannot be read.`);
  }
}
