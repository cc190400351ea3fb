import { PassmintError } from '@passmint/engine';
import { createApiKeyFor, describeKey, findTenantOrThrow } from '../tenants/tenant-admin';
import type { CliIo } from './io';
import { withStore } from './tenants';

/** `passmint keys create --tenant <name|id> [--label …]`: prints the new key alone on stdout. */
export async function keysCreateCommand(options: { tenant?: string; label?: string }, io: CliIo): Promise<number> {
  const tenantRef = requireTenant(options.tenant);
  const { key, record, tenant } = await withStore(io, (store) => createApiKeyFor(store, tenantRef, options.label ?? null));
  io.err.write(`Created ${record.id} for tenant "${tenant.name}". Store the key now: it is not shown again.\n`);
  io.out.write(`${key}\n`);
  return 0;
}

/** `passmint keys list --tenant <name|id>`: id, prefix, state, label; never the key. */
export async function keysListCommand(options: { tenant?: string }, io: CliIo): Promise<number> {
  const tenantRef = requireTenant(options.tenant);
  const keys = await withStore(io, async (store) => store.listApiKeys((await findTenantOrThrow(store, tenantRef)).id));
  for (const key of keys) io.out.write(`${describeKey(key)}\n`);
  return 0;
}

/** `passmint keys revoke <key id>`: takes effect on the next request. */
export async function keysRevokeCommand(id: string, io: CliIo): Promise<number> {
  const revoked = await withStore(io, (store) => store.revokeApiKey(id, new Date().toISOString()));
  if (!revoked) throw new PassmintError('key_not_found', `No API key with id "${id}" (see passmint keys list).`);
  io.err.write(`Revoked ${id}.\n`);
  return 0;
}

function requireTenant(tenant: string | undefined): string {
  if (!tenant) throw new PassmintError('tenant_required', '--tenant <name or id> is required.');
  return tenant;
}
