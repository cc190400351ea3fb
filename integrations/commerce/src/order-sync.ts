import { createKeyedLock, PassmintBaseError, type PassInput } from '@passmint/engine';
import type { OrderStore } from './order-store/order-store';
import type { OrderTicketRecord } from './order-store/ticket-store';
import type { NormalisedOrder } from './order';
import { orderPassBody } from './order-pass';
import type { ShopTemplate } from './shop-template';
import { ticketUnits } from './ticket-pass';
import { syncTickets, type TicketSyncResult } from './ticket-sync';

/**
 * Where passes are made: the pass engine in the same process, or a remote Passmint through the
 * API client. Errors carry the API's `code` (`pass_voided` for a voided pass).
 */
export interface PassWriter {
  createPass(tenantId: string, body: PassInput, idempotencyKey: string): Promise<{ serialNumber: string; shareUrl: string }>;
  updatePass(tenantId: string, serialNumber: string, body: PassInput): Promise<{ unchanged: boolean; notifiedDevices: number }>;
  shareUrl(serialNumber: string): string;
  /** Voids a pass (a ticket the order no longer has); voiding a voided pass changes nothing. */
  voidPass(tenantId: string, serialNumber: string): Promise<void>;
  /** The links behind a pass's Apple and Google buttons (Google's is null when it is not configured). */
  walletLinks(tenantId: string, serialNumber: string): Promise<{ applePassUrl: string; googleSaveUrl: string | null }>;
  /**
   * For privacy requests: removes the fields with these keys from the stored pass and voids it,
   * so the pass no longer shows (or is updated with) the customer's data.
   */
  redactPass(tenantId: string, serialNumber: string, fieldKeys: readonly string[]): Promise<void>;
}

/** The order pass and ticket fields that carry personal data. */
export const CUSTOMER_FIELD_KEYS: readonly string[] = ['customer', 'holder'];

export type OrderPassStore = Pick<
  OrderStore,
  'findOrderPass' | 'saveOrderPass' | 'markOrderPassLinked' | 'listOrderTickets' | 'saveOrderTicket' | 'markOrderTicketsLinked'
>;

export interface OrderTarget {
  tenantId: string;
  template: ShopTemplate;
  /**
   * The page that shows every pass of an order (its order pass and its tickets, each with its
   * wallet buttons): the link written to the shop for an order with tickets. Without it, such an
   * order's link is its order pass page, or its first ticket's.
   */
  orderPageUrl?: (orderId: string) => string;
}

/**
 * Writes the pass's link back to the shop (a metafield, order meta, a customer note). It runs
 * under the order's lock, once per order until it succeeds: the shop's own "order updated" webhook
 * for that write then finds the order linked and writes nothing, so it cannot loop.
 */
export type LinkWriter = (pass: { serialNumber: string; shareUrl: string }) => Promise<void>;

/**
 * Thrown by a LinkWriter when the shop answered that it will not take the link, for a reason a
 * retry cannot change (the order is not in the shop, as with Shopify's test notifications). The
 * pass stands; the sync answers `linked: false` with the reason instead of failing the webhook.
 */
export class LinkRefusedError extends PassmintBaseError {}

interface PassOfOrder {
  serialNumber: string;
  shareUrl: string;
  /** Whether the link was already written back to the shop. */
  linked: boolean;
}

type OrderPassResult =
  | (PassOfOrder & { action: 'created' })
  | (PassOfOrder & { action: 'updated' | 'unchanged'; notifiedDevices: number })
  | (PassOfOrder & { action: 'ignored'; reason: 'stale' | 'voided' });

/**
 * The order pass's outcome (for an order whose tickets replace it, `action: 'tickets'` and the
 * first ticket's serial), and each ticket's. `shareUrl` is where the order's link goes.
 */
export type OrderSyncResult = (OrderPassResult | (PassOfOrder & { action: 'tickets' })) & {
  tickets?: TicketSyncResult[];
  /** Set when the order asked for more tickets than one order may make (MAX_TICKETS_PER_ORDER). */
  ticketsCapped?: true;
  /** Products whose own event data was not valid; their tickets use the rule's event. */
  ticketProblems?: string[];
  /** Why the shop would not take the link (see LinkRefusedError). */
  linkRefused?: string;
};

export type OrderSync = ReturnType<typeof createOrderSync>;

/**
 * Keeps one pass per order in step with the order. A webhook older than the version the pass
 * already shows is ignored, so retries and out-of-order deliveries never roll a pass back.
 */
export function createOrderSync(deps: { store: OrderPassStore; passes: PassWriter; clock?: () => Date }) {
  const { store, passes } = deps;
  const clock = deps.clock ?? (() => new Date());
  const withLock = createKeyedLock();

  async function syncAndLink(order: NormalisedOrder, target: OrderTarget, link?: LinkWriter): Promise<OrderSyncResult> {
    const result = await syncOrder(order, target);
    if (result.linked || !link) return result;
    try {
      await link({ serialNumber: result.serialNumber, shareUrl: result.shareUrl });
    } catch (error) {
      if (error instanceof LinkRefusedError) return { ...result, linkRefused: error.message };
      throw error;
    }
    const at = clock().toISOString();
    if (result.action === 'tickets') await store.markOrderTicketsLinked(order.shop, order.orderId, at);
    else await store.markOrderPassLinked(order.shop, order.orderId, at);
    return { ...result, linked: true };
  }

  /** The order pass (unless tickets replace it) and the tickets, as the template asks. */
  async function syncOrder(order: NormalisedOrder, target: OrderTarget): Promise<OrderSyncResult> {
    const { units, capped, problems } = ticketUnits(order, target.template);
    const existingTickets = await store.listOrderTickets(order.shop, { orderIds: [order.orderId] });
    const hasTickets = units.length > 0 || existingTickets.length > 0;
    const existingPass = await store.findOrderPass(order.shop, order.orderId);
    const instead = target.template.tickets?.orderPass === 'instead' && hasTickets && !existingPass;
    const orderPass = instead ? null : await sync(order, target, existingPass);
    if (!hasTickets) return orderPass as OrderPassResult;
    const tickets = await syncTickets({ store, passes, clock }, order, target, units, existingTickets);
    const extra = {
      tickets,
      ...(capped ? { ticketsCapped: true as const } : {}),
      ...(problems.length > 0 ? { ticketProblems: problems } : {}),
    };
    const pageUrl = target.orderPageUrl?.(order.orderId);
    if (orderPass) return { ...orderPass, ...(pageUrl ? { shareUrl: pageUrl } : {}), ...extra };
    return ticketsOnly(tickets, existingTickets, pageUrl, extra);
  }

  function ticketsOnly(
    tickets: TicketSyncResult[],
    existing: readonly OrderTicketRecord[],
    pageUrl: string | undefined,
    extra: Pick<OrderSyncResult, 'tickets' | 'ticketsCapped' | 'ticketProblems'>,
  ): OrderSyncResult {
    const first = tickets[0] ?? existing[0];
    const serialNumber = first?.serialNumber ?? '';
    return {
      action: 'tickets',
      serialNumber,
      shareUrl: pageUrl ?? passes.shareUrl(serialNumber),
      linked: existing.some((ticket) => ticket.linkedAt !== null),
      ...extra,
    };
  }

  async function sync(
    order: NormalisedOrder,
    target: OrderTarget,
    existing: Awaited<ReturnType<OrderPassStore['findOrderPass']>>,
  ): Promise<OrderPassResult> {
    const body = orderPassBody(order, target.template);
    if (!existing) return create(order, target, body);
    const pass = {
      serialNumber: existing.serialNumber,
      shareUrl: passes.shareUrl(existing.serialNumber),
      linked: existing.linkedAt !== null,
    };
    if (order.updatedAt < existing.orderUpdatedAt) return { ...pass, action: 'ignored', reason: 'stale' };
    let result: { unchanged: boolean; notifiedDevices: number };
    try {
      result = await passes.updatePass(existing.tenantId, existing.serialNumber, body);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'pass_voided') return { ...pass, action: 'ignored', reason: 'voided' };
      throw error;
    }
    await save(order, existing.tenantId, existing.serialNumber);
    return { ...pass, action: result.unchanged ? 'unchanged' : 'updated', notifiedDevices: result.notifiedDevices };
  }

  async function create(order: NormalisedOrder, target: OrderTarget, body: PassInput): Promise<OrderPassResult> {
    // Keyed by order: a crash between making the pass and saving the mapping, then a redelivery
    // of the same order, returns the first pass instead of a second one.
    const created = await passes.createPass(target.tenantId, body, `order:${order.shop}:${order.orderId}:${order.updatedAt}`);
    await save(order, target.tenantId, created.serialNumber);
    return { serialNumber: created.serialNumber, shareUrl: created.shareUrl, linked: false, action: 'created' };
  }

  async function save(order: NormalisedOrder, tenantId: string, serialNumber: string): Promise<void> {
    await store.saveOrderPass({
      shop: order.shop,
      orderId: order.orderId,
      tenantId,
      serialNumber,
      orderUpdatedAt: order.updatedAt,
      customerId: order.customer.id,
      at: clock().toISOString(),
    });
  }

  return {
    /**
     * Creates or updates the order's pass, then writes its link to the shop if that has not been
     * done yet; one order at a time, in arrival order.
     */
    sync: (order: NormalisedOrder, target: OrderTarget, link?: LinkWriter) =>
      withLock(`${order.shop}\n${order.orderId}`, () => syncAndLink(order, target, link)),
  };
}
