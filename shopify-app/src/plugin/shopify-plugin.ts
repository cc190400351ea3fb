import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  createOrderSync,
  loadShopTemplate,
  ORDER_WALLET_PAGE_HEADERS,
  ORDER_STORE_MIGRATIONS,
  orderStoreOn,
  SHOP_SESSION_SECRET_COLUMN,
  wantsProducts,
  type OrderTarget,
} from '@passmint/commerce';
import {
  ConfigError,
  definePlugin,
  pluginTenant,
  rawBodyOf,
  registerRawBodyParser,
  type PluginHost,
  type PluginMount,
} from '@passmint/server/plugin';
import { appScopes, type ShopifyAppConfig } from '../shopify-api';
import { createShopifyApp, type ShopifyAnswer, type ShopifyApp } from '../shopify-app';
import { shopifyEnvProblems, shopifyEnvSchema, type ShopifyEnv } from './shopify-env';

export const SHOPIFY_PREFIX = '/commerce/shopify';
const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/** The Shopify shop `passmint serve` connects, when PASSMINT_SHOPIFY_* are set. */
export const shopifyPlugin = definePlugin<ShopifyEnv>({
  name: 'shopify',
  env: shopifyEnvSchema,
  envProblems: shopifyEnvProblems,
  // The order tables it shares with WooCommerce, and shop_sessions for the Admin API token.
  migrations: ORDER_STORE_MIGRATIONS,
  secretColumns: [SHOP_SESSION_SECRET_COLUMN],
  register: registerShopify,
});

/**
 * Shopify's webhooks (raw body, for the HMAC), the signed wallet links of order emails, and the
 * OAuth install. The app is made on first use: it needs the public URL, known once the server listens.
 */
async function registerShopify(server: FastifyInstance, host: PluginHost<ShopifyEnv>): Promise<PluginMount | null> {
  const setup = await shopifySetup(host);
  if (!setup) return null;
  const store = orderStoreOn(host.database, host.secrets);
  let shopifyApp: ShopifyApp | null = null;
  const app = () =>
    (shopifyApp ??= createShopifyApp(
      { ...setup.app, appUrl: host.publicUrl() },
      {
        store,
        sync: createOrderSync({ store, passes: host.passes }),
        passes: host.passes,
        target: setup.target,
        log: (event) => host.log({ ...event, event: String(event.event) }),
      },
    ));

  server.register(async (scope) => {
    registerRawBodyParser(scope, MAX_WEBHOOK_BYTES);
    scope.post(`${SHOPIFY_PREFIX}/webhooks`, async (request, reply) => {
      return send(reply, await app().webhook(request.raw, reply.raw, rawBodyOf(request.body)));
    });
  });

  server.get<{ Params: { shop: string; orderId: string }; Querystring: { signature?: string } }>(
    `${SHOPIFY_PREFIX}/wallet/:shop/:orderId`,
    async (request, reply) => {
      return send(reply, await app().walletLink(request.params.shop, request.params.orderId, request.query.signature ?? ''));
    },
  );

  server.get(`${SHOPIFY_PREFIX}/auth`, async (request, reply) => {
    reply.hijack();
    await app().beginInstall(request.raw, reply.raw, `${SHOPIFY_PREFIX}/auth/callback`);
  });

  server.get(`${SHOPIFY_PREFIX}/auth/callback`, async (request, reply) => {
    return send(reply, await app().finishInstall(request.raw, reply.raw));
  });

  return {
    reportLines: (publicUrl) => [
      `  Shopify:        ${setup.app.shop}; webhooks to ${publicUrl}${SHOPIFY_PREFIX}/webhooks, wallet links at ${publicUrl}${SHOPIFY_PREFIX}/wallet/…; passes for ${setup.tenantDescription}`,
    ],
  };
}

export interface ShopifySetup {
  app: Omit<ShopifyAppConfig, 'appUrl'>;
  target: OrderTarget;
  /** Whose passes the shop makes, for the start-up report. */
  tenantDescription: string;
}

/** The shop's app settings and whose passes it makes; null when PASSMINT_SHOPIFY_* are not set. */
export async function shopifySetup(host: Pick<PluginHost<ShopifyEnv>, 'env' | 'tenants'>): Promise<ShopifySetup | null> {
  const { env } = host;
  const {
    PASSMINT_SHOPIFY_SHOP: shop,
    PASSMINT_SHOPIFY_API_KEY: apiKey,
    PASSMINT_SHOPIFY_API_SECRET: apiSecretKey,
    PASSMINT_SHOPIFY_LINK_SECRET: linkSecret,
  } = env;
  if (!shop || !apiKey || !apiSecretKey || !linkSecret) return null;
  const { tenant, description } = await pluginTenant(host.tenants, env.PASSMINT_SHOPIFY_TENANT, 'PASSMINT_SHOPIFY_TENANT');
  const template = loadShopTemplate(env.PASSMINT_SHOPIFY_TEMPLATE, 'PASSMINT_SHOPIFY_TEMPLATE', tenant.name);
  if (!template.ok) throw new ConfigError(template.problems);
  const apiVersion = env.PASSMINT_SHOPIFY_API_VERSION as ShopifySetup['app']['apiVersion'];
  return {
    app: {
      shop,
      apiKey,
      apiSecretKey,
      linkSecret,
      scopes: appScopes(wantsProducts(template.template.tickets)),
      ...(apiVersion ? { apiVersion } : {}),
    },
    target: { tenantId: tenant.id, template: template.template },
    tenantDescription: description,
  };
}

function send(reply: FastifyReply, answer: ShopifyAnswer) {
  if ('location' in answer) return reply.redirect(answer.location, 302);
  if ('html' in answer) return reply.status(answer.status).headers(ORDER_WALLET_PAGE_HEADERS).send(answer.html);
  return reply.status(answer.status).send(answer.body);
}
