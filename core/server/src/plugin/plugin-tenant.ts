import type { TenantRecord } from '@passmint/engine';
import { ConfigError } from '../env';
import type { PluginHost } from './plugin';

/**
 * The tenant a plugin's passes belong to: the one `variable` names, else the first tenant there
 * is (the one `passmint serve` creates at first start). Tenants are never deleted and a new one
 * is always later, so `passmint tenants create` while a plugin is configured never moves it and
 * never stops the next start; the description says which tenant it is, for the start-up report.
 */
export async function pluginTenant(
  tenants: PluginHost['tenants'],
  name: string | undefined,
  variable: string,
): Promise<{ tenant: TenantRecord; description: string }> {
  if (name) {
    const tenant = await tenants.findTenant(name);
    if (!tenant) throw new ConfigError([`${variable} names no tenant: ${name}`]);
    return { tenant, description: `tenant "${tenant.name}"` };
  }
  const [first, ...others] = await tenants.listTenants();
  if (!first) throw new ConfigError([`${variable}: there is no tenant yet; create one with passmint tenants create <name>`]);
  const more = others.length > 0 ? ` (the first of ${others.length + 1}; ${variable} chooses another)` : '';
  return { tenant: first, description: `tenant "${first.name}"${more}` };
}
