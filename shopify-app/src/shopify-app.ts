import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  orderWalletEntries,
  parseJsonExact,
  renderOrderWalletPage,
  wantsProducts,
  type NormalisedOrder,
  type OrderStore,
  type OrderSync,
  type OrderTarget,
  type PassWriter,
} from '@passmint/commerce';
import {
  BotActivityDetected,
  CookieNotFound,
  HttpResponseError,
  InvalidHmacError,
  InvalidOAuthError,
  InvalidShopError,
} from '@shopify/shopify-api';
import { PassmintBaseError } from '@passmint/engine';
import { createCompliance } from './compliance';
import { createOrderAdmin } from './order-admin';
import { createShopifyApi, type ShopifyAppConfig } from './shopify-api';
import { isWebhookOrder, normaliseOrderNode, normaliseWebhookOrder, withProducts } from './shopify-order';
import { createSessionSource } from './shopify-sessions';
import { verifyWalletLink, walletLinkPath } from './wallet-link';

export type ShopifyAppStore = Pick<
  OrderStore,
  | 'findOrderPass'
  | 'listOrderPasses'
  | 'listOrderTickets'
  | 'deleteOrderTickets'
  | 'deleteOrderPasses'
  | 'recordWebhookDelivery'
  | 'forgetWebhookDelivery'
  | 'saveShopSession'
  | 'findShopSession'
  | 'deleteShopSession'
>;

export interface ShopifyAppDeps {
  store: ShopifyAppStore;
  sync: OrderSync;
  passes: PassWriter;
  target: OrderTarget;
  /** Compliance outcomes and rejected webhooks, for the operator's log. */
  log?: (event: Record<string, unknown>) => void;
}

export type ShopifyAnswer =
  | { status: number; body: Record<string, unknown> }
  | { status: 302; location: string }
  /** The order's wallet page (an order with tickets), served with ORDER_WALLET_PAGE_HEADERS. */
  | { status: 200; html: string };

export const ORDER_TOPICS = new Set(['ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_PAID', 'ORDERS_FULFILLED', 'ORDERS_CANCELLED']);
export const COMPLIANCE_TOPICS = new Set(['CUSTOMERS_DATA_REQUEST', 'CUSTOMERS_REDACT', 'SHOP_REDACT']);

/**
 * The Shopify side of Passmint: order webhooks and the privacy webhooks, the signed "Add to
 * Wallet" link of order emails, and the OAuth install of a public app. Framework-free: it takes
 * Node's request and response, so `passmint serve` and a standalone server can both mount it.
 */
export function createShopifyApp(config: ShopifyAppConfig, deps: ShopifyAppDeps) {
  const shopify = createShopifyApi(config);
  const sessions = createSessionSource(shopify, config.shop, deps.store);
  const admin = createOrderAdmin(shopify, sessions);
  const compliance = createCompliance({ store: deps.store, passes: deps.passes });
  const log = deps.log ?? (() => undefined);
  const linkWriter = (orderId: string) => (pass: { serialNumber: string; shareUrl: string }) => admin.writePassLink(orderId, pass);
  // An order with tickets links to its wallet link: the page that shows every one of its passes.
  const target: OrderTarget = {
    ...deps.target,
    orderPageUrl: (orderId) => `${config.appUrl.replace(/\/+$/, '')}${walletLinkPath(config.shop, orderId, config.linkSecret)}`,
  };

  /** Ticket rules match on product type and tags, which only the Admin API knows. */
  async function withTicketProducts(order: NormalisedOrder): Promise<NormalisedOrder> {
    if (!wantsProducts(deps.target.template.tickets) || order.lineItems.length === 0) return order;
    return withProducts(order, await admin.fetchLineItemProducts(order.orderId));
  }

  async function orderWalletPage(shop: string, orderId: string, orderNumber: string): Promise<ShopifyAnswer | null> {
    const entries = await orderWalletEntries({ store: deps.store, passes: deps.passes }, shop, orderId);
    if (!entries.some((entry) => entry.kind === 'ticket')) return null;
    return { status: 200, html: renderOrderWalletPage({ shopName: deps.target.template.shopName, orderNumber, entries }) };
  }

  async function handleTopic(topic: string, shop: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (ORDER_TOPICS.has(topic)) {
      if (!isWebhookOrder(payload)) throw new InvalidWebhookBody('The webhook body is not a Shopify order.');
      const order = await withTicketProducts(normaliseWebhookOrder(payload, shop));
      const result = await deps.sync.sync(order, target, linkWriter(order.orderId));
      if (result.linkRefused) log({ event: 'shopify.link_refused', shop, orderId: order.orderId, reason: result.linkRefused });
      return { ...result };
    }
    if (topic === 'CUSTOMERS_DATA_REQUEST') {
      const report = await compliance.dataRequest(shop, payload);
      log({ event: 'shopify.customers_data_request', ...report });
      return report;
    }
    if (topic === 'CUSTOMERS_REDACT') return compliance.redactCustomer(shop, payload);
    if (topic === 'SHOP_REDACT') {
      await sessions.forget();
      return compliance.redactShop(shop);
    }
    return { ignored: topic };
  }

  return {
    /** POST from Shopify: verified on the raw body (401 and nothing else when it fails), deduplicated by event id. */
    async webhook(request: IncomingMessage, response: ServerResponse, rawBody: Buffer): Promise<ShopifyAnswer> {
      const check = await shopify.webhooks.validate({ rawBody: rawBody.toString('utf8'), rawRequest: request, rawResponse: response });
      if (!check.valid) {
        log({ event: 'shopify.webhook_rejected', reason: check.reason });
        return {
          status: 401,
          body: { error: 'The webhook is not signed with this app’s secret.', code: 'invalid_webhook', reason: check.reason },
        };
      }
      if (check.domain !== config.shop) return { status: 200, body: { ignored: `shop ${check.domain}` } };
      const payload = parseObject(rawBody);
      if (!payload) return { status: 400, body: { error: 'The webhook body is not a JSON object.', code: 'invalid_body' } };
      const delivery = { source: `shopify:${check.domain}`, id: check.eventId ?? check.webhookId };
      if (!(await deps.store.recordWebhookDelivery({ ...delivery, at: new Date().toISOString() })))
        return { status: 200, body: { duplicate: delivery.id } };
      try {
        return { status: 200, body: await handleTopic(String(check.topic), check.domain, payload) };
      } catch (error) {
        await deps.store.forgetWebhookDelivery(delivery);
        if (error instanceof InvalidWebhookBody) return { status: 400, body: { error: error.message, code: error.code } };
        // Shopify retries on a 5xx; the log says why (a scope such as read_products not granted yet).
        log({ event: 'shopify.webhook_failed', shop: check.domain, topic: String(check.topic), error: errorMessage(error) });
        throw error;
      }
    },

    /**
     * GET from the customer's email: the link names the order and is signed by the shop's Liquid.
     * The first open makes the passes (the order is read through the Admin API). An order with
     * only its order pass redirects to that pass's page; an order with tickets gets a page with
     * every pass, each with its Apple and Google buttons.
     */
    async walletLink(shop: string, orderId: string, signature: string): Promise<ShopifyAnswer> {
      if (shop !== config.shop || !/^\d{1,20}$/.test(orderId) || !verifyWalletLink(shop, orderId, signature, config.linkSecret)) {
        return { status: 404, body: { error: 'This wallet link is not valid.', code: 'invalid_wallet_link' } };
      }
      const existing = await deps.store.findOrderPass(shop, orderId);
      const tickets = await deps.store.listOrderTickets(shop, { orderIds: [orderId] });
      if (existing && tickets.length === 0) return { status: 302, location: deps.passes.shareUrl(existing.serialNumber) };
      const node = await admin.fetchOrder(orderId);
      if (!node) return { status: 404, body: { error: 'The shop has no such order.', code: 'order_not_found' } };
      if (!existing && tickets.length === 0) {
        const result = await deps.sync.sync(await withTicketProducts(normaliseOrderNode(node, shop)), target, linkWriter(orderId));
        if (!result.tickets) return { status: 302, location: result.shareUrl };
      }
      return (
        (await orderWalletPage(shop, orderId, node.name)) ?? {
          status: 404,
          body: { error: 'The order has no passes.', code: 'order_not_found' },
        }
      );
    },

    /** GET /auth?shop=…: starts the OAuth install of a public app (the library answers with the redirect). */
    async beginInstall(request: IncomingMessage, response: ServerResponse, callbackPath: string): Promise<void> {
      await shopify.auth.begin({ shop: config.shop, callbackPath, isOnline: false, rawRequest: request, rawResponse: response });
    },

    /** GET /auth/callback: checks Shopify's HMAC and state, exchanges the code for the shop's token. */
    async finishInstall(request: IncomingMessage, response: ServerResponse): Promise<ShopifyAnswer> {
      try {
        const { session } = await shopify.auth.callback({ rawRequest: request, rawResponse: response });
        await sessions.installed(session);
        return { status: 200, body: { installed: session.shop } };
      } catch (error) {
        if (!isRefusedInstall(error)) throw error;
        log({ event: 'shopify.install_refused', reason: (error as Error).name });
        return {
          status: 400,
          body: { error: 'The install could not be completed; start it again from Shopify.', code: 'install_refused' },
        };
      }
    },
  };
}

export type ShopifyApp = ReturnType<typeof createShopifyApp>;

/** A signed webhook whose body is not what its topic promises: answered 400 with the code. */
class InvalidWebhookBody extends PassmintBaseError {
  constructor(message: string) {
    super('invalid_order', message);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ids are read exactly: Shopify's test order 820982911946154508 is past JavaScript's safe integers. */
function parseObject(rawBody: Buffer): Record<string, unknown> | null {
  try {
    const parsed = parseJsonExact(rawBody.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What a forged, replayed or expired callback makes the library throw: the merchant's side, not ours. */
function isRefusedInstall(error: unknown): boolean {
  return (
    error instanceof InvalidOAuthError ||
    error instanceof CookieNotFound ||
    error instanceof BotActivityDetected ||
    error instanceof InvalidHmacError ||
    error instanceof InvalidShopError ||
    (error instanceof HttpResponseError && error.response.code >= 400 && error.response.code < 500)
  );
}
