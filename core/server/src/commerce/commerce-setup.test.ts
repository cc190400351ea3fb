import { rmSync } from 'node:fs';
import type { Store } from '@passmint/engine';
import { ConfigError, readEnv } from '../env';
import { openStore } from '../store/open-store';
import { tempDataDir } from '../testing';
import { createTenant, ensureDefaultTenant } from '../tenants/tenant-admin';
import { shopifySetup, wooCommerceSetup } from './commerce-setup';

const shopify = {
  PASSMINT_SHOPIFY_SHOP: 'bayroast.myshopify.com',
  PASSMINT_SHOPIFY_API_KEY: 'client-id',
  PASSMINT_SHOPIFY_API_SECRET: 'client-secret',
  PASSMINT_SHOPIFY_LINK_SECRET: 'link-secret-0123456789',
};
const woo = {
  PASSMINT_WOOCOMMERCE_URL: 'https://shop.example.com/',
  PASSMINT_WOOCOMMERCE_CONSUMER_KEY: `ck_${'a'.repeat(40)}`,
  PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: `cs_${'b'.repeat(40)}`,
  PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: 'webhook-secret',
};

let dataDir: string;
let store: Store;

beforeEach(async () => {
  dataDir = tempDataDir();
  ({ store } = await openStore(readEnv({ PASSMINT_DATA_DIR: dataDir })));
  await store.migrate();
});

afterEach(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => readEnv({ PASSMINT_DATA_DIR: dataDir, ...shopify, ...woo, ...extra });

describe('which tenant a connected shop makes passes for', () => {
  it('is the only tenant there is', async () => {
    const first = (await ensureDefaultTenant(store))!.tenant;
    expect((await shopifySetup(env(), store))!).toMatchObject({ target: { tenantId: first.id }, tenantDescription: 'tenant "Passmint"' });
    expect((await wooCommerceSetup(env(), store))!).toMatchObject({
      target: { tenantId: first.id },
      shop: { url: 'https://shop.example.com' },
    });
  });

  it('stays the first tenant when another is created later, so the next start still works', async () => {
    const first = (await ensureDefaultTenant(store))!.tenant;
    await createTenant(store, { name: 'Other' }, new Date(Date.parse(first.createdAt) + 1000));
    await createTenant(store, { name: 'Another' }, new Date(Date.parse(first.createdAt) + 2000));
    const setup = await shopifySetup(env(), store);
    expect(setup).toMatchObject({ target: { tenantId: first.id } });
    expect(setup!.tenantDescription).toBe('tenant "Passmint" (the first of 3; PASSMINT_SHOPIFY_TENANT chooses another)');
    expect(await wooCommerceSetup(env(), store)).toMatchObject({ target: { tenantId: first.id } });
  });

  it('is the tenant the variable names, by name or id', async () => {
    await ensureDefaultTenant(store);
    const other = await createTenant(store, { name: 'Other' });
    expect(await shopifySetup(env({ PASSMINT_SHOPIFY_TENANT: 'Other' }), store)).toMatchObject({
      target: { tenantId: other.id },
      tenantDescription: 'tenant "Other"',
    });
    expect(await wooCommerceSetup(env({ PASSMINT_WOOCOMMERCE_TENANT: other.id }), store)).toMatchObject({ target: { tenantId: other.id } });
  });

  it('stops the start with the variable named when it names no tenant, or when there is none', async () => {
    await expect(shopifySetup(env(), store)).rejects.toThrow(ConfigError);
    await expect(shopifySetup(env(), store)).rejects.toThrow(/PASSMINT_SHOPIFY_TENANT: there is no tenant yet/);
    await ensureDefaultTenant(store);
    await expect(wooCommerceSetup(env({ PASSMINT_WOOCOMMERCE_TENANT: 'Nobody' }), store)).rejects.toThrow(
      /PASSMINT_WOOCOMMERCE_TENANT names no tenant: Nobody/,
    );
  });
});
