import type { FastifyInstance } from 'fastify';
import { createOrderSync, type OrderTarget } from '@passmint/commerce';
import { createWooShop, createWooWebhookHandler, type WooShopConfig } from '@passmint/woocommerce';
import type { AppContext } from '../http/app-context';
import { rawBodyOf, registerRawBodyParser } from '../http/body-parsers';
import { createHostPassWriter } from '../plugin/host-pass-writer';

export const WOOCOMMERCE_WEBHOOK_PATH = '/commerce/woocommerce/webhook';
const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

export interface WooCommerceSetup {
  shop: WooShopConfig;
  webhookSecret: string;
  target: OrderTarget;
  /** Whose passes the shop makes, for the start-up report. */
  tenantDescription: string;
}

/**
 * WooCommerce's order webhooks, verified on the raw body (so the route takes bytes, not parsed
 * JSON); the answer is the order sync's result.
 */
export function registerWooCommerceRoute(app: FastifyInstance, context: AppContext, setup: WooCommerceSetup): void {
  const handle = createWooWebhookHandler({
    shopUrl: setup.shop.url,
    secret: setup.webhookSecret,
    target: setup.target,
    sync: createOrderSync({ store: context.store, passes: createHostPassWriter(context) }),
    shop: createWooShop(setup.shop),
  });
  app.register(async (scope) => {
    registerRawBodyParser(scope, MAX_WEBHOOK_BYTES);
    scope.post(WOOCOMMERCE_WEBHOOK_PATH, async (request, reply) => {
      const answer = await handle({ headers: request.headers, rawBody: rawBodyOf(request.body) });
      return reply.status(answer.status).send(answer.body);
    });
  });
}
