import type { FastifyInstance } from 'fastify';
import {
  createOrderSync,
  loadShopTemplate,
  ORDER_WALLET_PAGE_HEADERS,
  orderWalletEntries,
  renderOrderWalletPage,
  ORDER_STORE_MIGRATIONS,
  orderStoreOn,
  SHOP_SESSION_SECRET_COLUMN,
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
import { createWooShop, type WooShopConfig } from '../woo-shop';
import { createWooWebhookHandler } from '../woo-webhook';
import { verifyWooOrderPage, WOOCOMMERCE_ORDER_PAGE_PATH, wooOrderPagePath } from '../woo-order-page';
import { wooCommerceEnvProblems, wooCommerceEnvSchema, type WooCommerceEnv } from './woocommerce-env';

export const WOOCOMMERCE_WEBHOOK_PATH = '/commerce/woocommerce/webhook';
const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

/** The WooCommerce store `passmint serve` connects, when PASSMINT_WOOCOMMERCE_* are set. */
export const wooCommercePlugin = definePlugin<WooCommerceEnv>({
  name: 'woocommerce',
  env: wooCommerceEnvSchema,
  envProblems: wooCommerceEnvProblems,
  // The order tables it shares with Shopify (which keeps its sessions in shop_sessions).
  migrations: ORDER_STORE_MIGRATIONS,
  secretColumns: [SHOP_SESSION_SECRET_COLUMN],
  register: registerWooCommerce,
});

/**
 * WooCommerce's order webhooks, verified on the raw body (so the route takes bytes, not parsed
 * JSON); the answer is the order sync's result.
 */
async function registerWooCommerce(app: FastifyInstance, host: PluginHost<WooCommerceEnv>): Promise<PluginMount | null> {
  const setup = await wooCommerceSetup(host);
  if (!setup) return null;
  const store = orderStoreOn(host.database, host.secrets);
  const orderPagePath = (orderId: string) => wooOrderPagePath(setup.shop.url, orderId, setup.webhookSecret);
  const handle = createWooWebhookHandler({
    shopUrl: setup.shop.url,
    secret: setup.webhookSecret,
    // An order with tickets links to the page of all its passes.
    target: { ...setup.target, orderPageUrl: (orderId) => `${host.publicUrl()}${orderPagePath(orderId)}` },
    sync: createOrderSync({ store, passes: host.passes }),
    shop: createWooShop(setup.shop),
  });
  app.register(async (scope) => {
    registerRawBodyParser(scope, MAX_WEBHOOK_BYTES);
    scope.post(WOOCOMMERCE_WEBHOOK_PATH, async (request, reply) => {
      const answer = await handle({ headers: request.headers, rawBody: rawBodyOf(request.body) });
      return reply.status(answer.status).send(answer.body);
    });
  });
  app.get<{ Params: { orderId: string }; Querystring: { signature?: string } }>(
    `${WOOCOMMERCE_ORDER_PAGE_PATH}/:orderId`,
    async (request, reply) => {
      const { orderId } = request.params;
      const entries = verifyWooOrderPage(setup.shop.url, orderId, request.query.signature ?? '', setup.webhookSecret)
        ? await orderWalletEntries({ store, passes: host.passes }, setup.shop.url, orderId)
        : [];
      if (entries.length === 0) return reply.status(404).send({ error: 'This order link is not valid.', code: 'invalid_order_link' });
      const html = renderOrderWalletPage({ shopName: setup.target.template.shopName, orderNumber: `#${orderId}`, entries });
      return reply.headers(ORDER_WALLET_PAGE_HEADERS).send(html);
    },
  );
  return {
    reportLines: (publicUrl) => [
      `  WooCommerce:    ${host.env.PASSMINT_WOOCOMMERCE_URL}; webhooks (order created, order updated) to ${publicUrl}${WOOCOMMERCE_WEBHOOK_PATH}; passes for ${setup.tenantDescription}`,
    ],
  };
}

export interface WooCommerceSetup {
  shop: WooShopConfig;
  webhookSecret: string;
  target: OrderTarget;
  /** Whose passes the shop makes, for the start-up report. */
  tenantDescription: string;
}

/** The store's settings and whose passes it makes; null when PASSMINT_WOOCOMMERCE_* are not set. */
export async function wooCommerceSetup(host: Pick<PluginHost<WooCommerceEnv>, 'env' | 'tenants'>): Promise<WooCommerceSetup | null> {
  const { env } = host;
  const {
    PASSMINT_WOOCOMMERCE_URL: url,
    PASSMINT_WOOCOMMERCE_CONSUMER_KEY: consumerKey,
    PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: consumerSecret,
    PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: webhookSecret,
  } = env;
  if (!url || !consumerKey || !consumerSecret || !webhookSecret) return null;
  const { tenant, description } = await pluginTenant(host.tenants, env.PASSMINT_WOOCOMMERCE_TENANT, 'PASSMINT_WOOCOMMERCE_TENANT');
  const template = loadShopTemplate(env.PASSMINT_WOOCOMMERCE_TEMPLATE, 'PASSMINT_WOOCOMMERCE_TEMPLATE', tenant.name);
  if (!template.ok) throw new ConfigError(template.problems);
  return {
    shop: { url: url.replace(/\/+$/, ''), consumerKey, consumerSecret },
    webhookSecret,
    target: { tenantId: tenant.id, template: template.template },
    tenantDescription: description,
  };
}
