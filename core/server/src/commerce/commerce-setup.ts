import { readFileSync } from 'node:fs';
import { parseShopTemplate, type ShopTemplate } from '@passmint/commerce';
import type { Store, TenantRecord } from '@passmint/engine';
import { ConfigError, type PassmintEnv } from '../env';
import { pluginTenant } from '../plugin/plugin-tenant';
import type { ShopifySetup } from './shopify-route';
import type { WooCommerceSetup } from './woocommerce-route';

/** The WooCommerce store `passmint serve` connects, when PASSMINT_WOOCOMMERCE_* are set. */
export async function wooCommerceSetup(env: PassmintEnv, store: Store): Promise<WooCommerceSetup | null> {
  const {
    PASSMINT_WOOCOMMERCE_URL: url,
    PASSMINT_WOOCOMMERCE_CONSUMER_KEY: consumerKey,
    PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: consumerSecret,
  } = env;
  const webhookSecret = env.PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET;
  if (!url || !consumerKey || !consumerSecret || !webhookSecret) return null;
  const { tenant, description } = await shopTenant(store, env.PASSMINT_WOOCOMMERCE_TENANT, 'PASSMINT_WOOCOMMERCE_TENANT');
  const template = shopTemplate(env.PASSMINT_WOOCOMMERCE_TEMPLATE, 'PASSMINT_WOOCOMMERCE_TEMPLATE', tenant.name);
  return {
    shop: { url: url.replace(/\/+$/, ''), consumerKey, consumerSecret },
    webhookSecret,
    target: { tenantId: tenant.id, template },
    tenantDescription: description,
  };
}

/** The Shopify shop `passmint serve` connects, when PASSMINT_SHOPIFY_* are set. */
export async function shopifySetup(env: PassmintEnv, store: Store): Promise<ShopifySetup | null> {
  const {
    PASSMINT_SHOPIFY_SHOP: shop,
    PASSMINT_SHOPIFY_API_KEY: apiKey,
    PASSMINT_SHOPIFY_API_SECRET: apiSecretKey,
    PASSMINT_SHOPIFY_LINK_SECRET: linkSecret,
  } = env;
  if (!shop || !apiKey || !apiSecretKey || !linkSecret) return null;
  const { tenant, description } = await shopTenant(store, env.PASSMINT_SHOPIFY_TENANT, 'PASSMINT_SHOPIFY_TENANT');
  const template = shopTemplate(env.PASSMINT_SHOPIFY_TEMPLATE, 'PASSMINT_SHOPIFY_TEMPLATE', tenant.name);
  const apiVersion = env.PASSMINT_SHOPIFY_API_VERSION as ShopifySetup['app']['apiVersion'];
  return {
    app: { shop, apiKey, apiSecretKey, linkSecret, ...(apiVersion ? { apiVersion } : {}) },
    target: { tenantId: tenant.id, template },
    tenantDescription: description,
  };
}

async function shopTenant(
  store: Store,
  name: string | undefined,
  variable: string,
): Promise<{ tenant: TenantRecord; description: string }> {
  return pluginTenant(store, name, variable);
}

/** A shop template from its JSON file, or the defaults under the tenant's name. */
function shopTemplate(path: string | undefined, variable: string, tenantName: string): ShopTemplate {
  if (!path) return parseShopTemplate({ shopName: tenantName.slice(0, 64) });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${variable} must be a readable JSON file (${(error as Error).message})`]);
  }
  try {
    return parseShopTemplate({ shopName: tenantName.slice(0, 64), ...(json as object) });
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    throw new ConfigError(issues.map((issue) => `${variable}${issue.path.length > 0 ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`));
  }
}
