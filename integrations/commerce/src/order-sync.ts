import { createKeyedLock, PassmintBaseError, type PassInput } from '@passmint/engine';
import type { OrderStore } from './order-store/order-store';
import type { NormalisedOrder } from './order';
import { orderPassBody } from './order-pass';
import type { ShopTemplate } from './shop-template';

/**
 * Where passes are made: the pass engine in the same process, or a remote Passmint through the
 * API client. Errors carry the API's `code` (`pass_voided` for a voided pass).
 */
export interface PassWriter {
  createPass(tenantId: string, body: PassInput, idempotencyKey: string): Promise<{ serialNumber: string; shareUrl: string }>;
  updatePass(tenantId: string, serialNumber: string, body: PassInput): Promise<{ unchanged: boolean; notifiedDevices: number }>;
  shareUrl(serialNumber: string): string;
  /**
   * For privacy requests: removes the fields with these keys from the stored pass and voids it,
   * so the pass no longer shows (or is updated with) the customer's data.
   */
  redactPass(tenantId: string, serialNumber: string, fieldKeys: readonly string[]): Promise<void>;
}

/** The order pass fields that carry personal data. */
export const CUSTOMER_FIELD_KEYS: readonly string[] = ['customer'];

export type OrderPassStore = Pick<OrderStore, 'findOrderPass' | 'saveOrderPass' | 'markOrderPassLinked'>;

export interface OrderTarget {
  tenantId: string;
  template: ShopTemplate;
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

export type OrderSyncResult = (
  | (PassOfOrder & { action: 'created' })
  | (PassOfOrder & { action: 'updated' | 'unchanged'; notifiedDevices: number })
  | (PassOfOrder & { action: 'ignored'; reason: 'stale' | 'voided' })
) & { /** Why the shop would not take the link (see LinkRefusedError). */ linkRefused?: string };

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
    const result = await sync(order, target);
    if (result.linked || !link) return result;
    try {
      await link({ serialNumber: result.serialNumber, shareUrl: result.shareUrl });
    } catch (error) {
      if (error instanceof LinkRefusedError) return { ...result, linkRefused: error.message };
      throw error;
    }
    await store.markOrderPassLinked(order.shop, order.orderId, clock().toISOString());
    return { ...result, linked: true };
  }

  async function sync(order: NormalisedOrder, target: OrderTarget): Promise<OrderSyncResult> {
    const existing = await store.findOrderPass(order.shop, order.orderId);
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

  async function create(order: NormalisedOrder, target: OrderTarget, body: PassInput): Promise<OrderSyncResult> {
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
