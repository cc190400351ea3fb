import type { PassInput } from '@passmint/engine';
import type { NormalisedOrder } from './order';
import type { OrderTicketRecord, OrderTicketStore } from './order-store/ticket-store';
import type { PassWriter } from './order-sync';
import type { ShopTemplate } from './shop-template';
import { ticketIdempotencyKey, ticketPassBody, type TicketUnit } from './ticket-pass';

/** What happened to one ticket in a sync. */
export interface TicketSyncResult {
  lineItemId: string;
  unit: number;
  serialNumber: string;
  shareUrl: string;
  action: 'created' | 'updated' | 'unchanged' | 'voided' | 'ignored';
  /** Why nothing was done: the webhook is older than the ticket, or the ticket was voided before. */
  reason?: 'stale' | 'voided';
}

export interface TicketSyncDeps {
  store: Pick<OrderTicketStore, 'listOrderTickets' | 'saveOrderTicket'>;
  passes: PassWriter;
  clock: () => Date;
}

/**
 * Keeps an order's event tickets in step with it: a ticket per wanted unit is made once (keyed
 * by order, line item and unit) and then updated in place; a unit the order no longer has, and
 * every ticket of a cancelled or refunded order, is voided. The caller holds the order's lock.
 */
export async function syncTickets(
  deps: TicketSyncDeps,
  order: NormalisedOrder,
  target: { tenantId: string; template: ShopTemplate },
  units: readonly TicketUnit[],
  existing: readonly OrderTicketRecord[],
): Promise<TicketSyncResult[]> {
  const latest = existing.reduce((max, ticket) => (ticket.orderUpdatedAt > max ? ticket.orderUpdatedAt : max), '');
  if (order.updatedAt < latest) return existing.map((ticket) => ({ ...resultOf(deps, ticket), action: 'ignored', reason: 'stale' }));
  const byUnit = new Map(existing.map((ticket) => [unitKey(ticket.lineItemId, ticket.unit), ticket]));
  const results: TicketSyncResult[] = [];
  for (const unit of units) {
    const key = unitKey(unit.lineItemId, unit.unit);
    const ticket = byUnit.get(key);
    byUnit.delete(key);
    const body = ticketPassBody(order, unit, target.template);
    results.push(ticket ? await updateTicket(deps, order, ticket, body) : await createTicket(deps, order, target.tenantId, unit, body));
  }
  // What is left is no longer ordered: a lower quantity, or an item taken off the order.
  for (const ticket of byUnit.values()) results.push(await voidTicket(deps, order, ticket));
  return results;
}

async function createTicket(
  deps: TicketSyncDeps,
  order: NormalisedOrder,
  tenantId: string,
  unit: TicketUnit,
  body: PassInput,
): Promise<TicketSyncResult> {
  const created = await deps.passes.createPass(tenantId, body, ticketIdempotencyKey(order, unit.lineItemId, unit.unit));
  const record = { lineItemId: unit.lineItemId, unit: unit.unit, tenantId, serialNumber: created.serialNumber };
  await save(deps, order, { ...record, eventName: body.event?.name ?? '' }, body.voided === true);
  return { ...record, shareUrl: created.shareUrl, action: 'created' };
}

async function updateTicket(
  deps: TicketSyncDeps,
  order: NormalisedOrder,
  ticket: OrderTicketRecord,
  body: PassInput,
): Promise<TicketSyncResult> {
  if (ticket.voided) {
    await save(deps, order, ticket, true);
    return { ...resultOf(deps, ticket), action: 'ignored', reason: 'voided' };
  }
  const current = { ...ticket, eventName: body.event?.name ?? ticket.eventName };
  let unchanged: boolean;
  try {
    ({ unchanged } = await deps.passes.updatePass(ticket.tenantId, ticket.serialNumber, body));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'pass_voided') throw error;
    await save(deps, order, ticket, true);
    return { ...resultOf(deps, ticket), action: 'ignored', reason: 'voided' };
  }
  await save(deps, order, current, body.voided === true);
  const action = body.voided ? 'voided' : unchanged ? 'unchanged' : 'updated';
  return { ...resultOf(deps, ticket), action };
}

async function voidTicket(deps: TicketSyncDeps, order: NormalisedOrder, ticket: OrderTicketRecord): Promise<TicketSyncResult> {
  if (!ticket.voided) await deps.passes.voidPass(ticket.tenantId, ticket.serialNumber);
  await save(deps, order, ticket, true);
  return { ...resultOf(deps, ticket), action: ticket.voided ? 'unchanged' : 'voided' };
}

async function save(
  deps: TicketSyncDeps,
  order: NormalisedOrder,
  ticket: Pick<OrderTicketRecord, 'lineItemId' | 'unit' | 'eventName' | 'tenantId' | 'serialNumber'>,
  voided: boolean,
): Promise<void> {
  await deps.store.saveOrderTicket({
    shop: order.shop,
    orderId: order.orderId,
    lineItemId: ticket.lineItemId,
    unit: ticket.unit,
    eventName: ticket.eventName,
    tenantId: ticket.tenantId,
    serialNumber: ticket.serialNumber,
    customerId: order.customer.id,
    orderUpdatedAt: order.updatedAt,
    voided,
    at: deps.clock().toISOString(),
  });
}

function resultOf(deps: TicketSyncDeps, ticket: OrderTicketRecord): Omit<TicketSyncResult, 'action'> {
  return {
    lineItemId: ticket.lineItemId,
    unit: ticket.unit,
    serialNumber: ticket.serialNumber,
    shareUrl: deps.passes.shareUrl(ticket.serialNumber),
  };
}

function unitKey(lineItemId: string, unit: number): string {
  return `${lineItemId}\n${unit}`;
}
