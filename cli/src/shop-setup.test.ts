import { randomUUID } from 'node:crypto';
import type { TenantRecord } from '@passmint/engine';
import { ConfigError } from '@passmint/server';
import type { PluginHost } from '@passmint/server/plugin';
import { shopifyEnvSchema, shopifySetup } from '@passmint/shopify-app/plugin';
import { wooCommerceEnvSchema, wooCommerceSetup } from '@passmint/woocommerce/plugin';
import { SHOPIFY_ENV, WOOCOMMERCE_ENV } from './test-support/shop-env';

const shopify = SHOPIFY_ENV;
const woo = {
  ...WOOCOMMERCE_ENV,
  PASSMINT_WOOCOMMERCE_URL: 'https://shop.example.com/',
};

/**
 * The tenants as the host shows them to a plugin: by id or name, and in the order they were
 * made (what the stores' listTenants gives, see their conformance battery).
 */
function tenantsOf(list: TenantRecord[]): PluginHost['tenants'] {
  return {
    findTenant: async (idOrName) =>
      list.find((tenant) => tenant.id === idOrName) ?? list.find((tenant) => tenant.name === idOrName) ?? null,
    listTenants: async () => [...list],
  };
}

let tenants: TenantRecord[];
let store: PluginHost['tenants'];

beforeEach(() => {
  tenants = [];
  store = tenantsOf(tenants);
});

function createTenant(_store: unknown, { name }: { name: string }, now = new Date()): TenantRecord {
  const at = now.toISOString();
  const tenant = { id: randomUUID(), name, monthlyQuota: null, appleIdentity: null, createdAt: at, updatedAt: at };
  tenants.push(tenant);
  return tenant;
}

/** What `passmint serve` does at first start: the tenant "Passmint". */
function ensureDefaultTenant(_store: unknown): { tenant: TenantRecord } {
  return { tenant: createTenant(null, { name: 'Passmint' }) };
}

const env = (extra: Record<string, string> = {}) => ({ ...shopify, ...woo, ...extra });
const shopifyHost = (source: Record<string, string>, tenantList: PluginHost['tenants']) => ({
  env: shopifyEnvSchema.parse(source),
  tenants: tenantList,
});
const wooHost = (source: Record<string, string>, tenantList: PluginHost['tenants']) => ({
  env: wooCommerceEnvSchema.parse(source),
  tenants: tenantList,
});

describe('which tenant a connected shop makes passes for', () => {
  it('is the only tenant there is', async () => {
    const first = ensureDefaultTenant(store).tenant;
    expect((await shopifySetup(shopifyHost(env(), store)))!).toMatchObject({
      target: { tenantId: first.id },
      tenantDescription: 'tenant "Passmint"',
    });
    expect((await wooCommerceSetup(wooHost(env(), store)))!).toMatchObject({
      target: { tenantId: first.id },
      shop: { url: 'https://shop.example.com' },
    });
  });

  it('stays the first tenant when another is created later, so the next start still works', async () => {
    const first = ensureDefaultTenant(store).tenant;
    createTenant(store, { name: 'Other' }, new Date(Date.parse(first.createdAt) + 1000));
    createTenant(store, { name: 'Another' }, new Date(Date.parse(first.createdAt) + 2000));
    const setup = await shopifySetup(shopifyHost(env(), store));
    expect(setup).toMatchObject({ target: { tenantId: first.id } });
    expect(setup!.tenantDescription).toBe('tenant "Passmint" (the first of 3; PASSMINT_SHOPIFY_TENANT chooses another)');
    expect(await wooCommerceSetup(wooHost(env(), store))).toMatchObject({ target: { tenantId: first.id } });
  });

  it('is the tenant the variable names, by name or id', async () => {
    ensureDefaultTenant(store);
    const other = createTenant(store, { name: 'Other' });
    expect(await shopifySetup(shopifyHost(env({ PASSMINT_SHOPIFY_TENANT: 'Other' }), store))).toMatchObject({
      target: { tenantId: other.id },
      tenantDescription: 'tenant "Other"',
    });
    expect(await wooCommerceSetup(wooHost(env({ PASSMINT_WOOCOMMERCE_TENANT: other.id }), store))).toMatchObject({
      target: { tenantId: other.id },
    });
  });

  it('stops the start with the variable named when it names no tenant, or when there is none', async () => {
    await expect(shopifySetup(shopifyHost(env(), store))).rejects.toThrow(ConfigError);
    await expect(shopifySetup(shopifyHost(env(), store))).rejects.toThrow(/PASSMINT_SHOPIFY_TENANT: there is no tenant yet/);
    ensureDefaultTenant(store);
    await expect(wooCommerceSetup(wooHost(env({ PASSMINT_WOOCOMMERCE_TENANT: 'Nobody' }), store))).rejects.toThrow(
      /PASSMINT_WOOCOMMERCE_TENANT names no tenant: Nobody/,
    );
  });
});
