import type { FastifyInstance, FastifyReply } from 'fastify';
import { createOrderSync, type OrderTarget } from '@passmint/commerce';
import { createShopifyApp, type ShopifyAnswer, type ShopifyApp, type ShopifyAppConfig } from '@passmint/shopify-app';
import type { AppContext } from '../http/app-context';
import { rawBodyOf, registerRawBodyParser } from '../http/body-parsers';
import { createHostPassWriter } from '../plugin/host-pass-writer';

export const SHOPIFY_PREFIX = '/commerce/shopify';
const MAX_WEBHOOK_BYTES = 2 * 1024 * 1024;

export interface ShopifySetup {
  app: Omit<ShopifyAppConfig, 'appUrl'>;
  target: OrderTarget;
  /** Whose passes the shop makes, for the start-up report. */
  tenantDescription: string;
}

/**
 * Shopify's webhooks (raw body, for the HMAC), the signed wallet links of order emails, and the
 * OAuth install. The app is made on first use: it needs the public URL, known once the server listens.
 */
export function registerShopifyRoutes(server: FastifyInstance, context: AppContext, setup: ShopifySetup): void {
  let shopifyApp: ShopifyApp | null = null;
  const passes = createHostPassWriter(context);
  const app = () =>
    (shopifyApp ??= createShopifyApp(
      { ...setup.app, appUrl: context.publicUrl() },
      {
        store: context.store,
        sync: createOrderSync({ store: context.store, passes }),
        passes,
        target: setup.target,
        log: (event) => server.log.info(event, String(event.event)),
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
}

function send(reply: FastifyReply, answer: ShopifyAnswer) {
  if ('location' in answer) return reply.redirect(answer.location, 302);
  return reply.status(answer.status).send(answer.body);
}
