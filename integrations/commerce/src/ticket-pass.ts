import { createHash } from 'node:crypto';
import { LIMITS, type PassFieldInput, type PassInput, type TicketEvent } from '@passmint/engine';
import { CLOSED_STATUSES, type NormalisedOrder, type OrderLineItem } from './order';
import { branding, clip } from './pass-text';
import type { ShopTemplate } from './shop-template';
import { MAX_TICKETS_PER_ORDER, ticketRuleFor, withProductEvent, type TicketRule } from './ticket-rules';

/** One unit of a ticket line item: the ticket's identity within its order. */
export interface TicketUnit {
  lineItemId: string;
  /** 0-based: quantity 3 gives units 0, 1 and 2. */
  unit: number;
  quantity: number;
  item: OrderLineItem;
  rule: TicketRule;
}

/**
 * The tickets an order asks for: one per unit of each line item a rule matches, in line item
 * order, at most MAX_TICKETS_PER_ORDER (`capped` says when more were asked for). `problems` names
 * products whose own event data was not valid (their tickets use the rule's event).
 */
export function ticketUnits(order: NormalisedOrder, template: ShopTemplate): { units: TicketUnit[]; capped: boolean; problems: string[] } {
  const rules = template.tickets?.rules ?? [];
  const units: TicketUnit[] = [];
  const problems: string[] = [];
  let capped = false;
  order.lineItems.forEach((item, index) => {
    const matched = ticketRuleFor(item, rules);
    if (!matched) return;
    const { rule, problem } = withProductEvent(matched, item.product?.event);
    if (problem) problems.push(`line item ${item.id ?? index} (${item.title}): the product's event data ${problem}`);
    const quantity = Math.max(0, Math.floor(item.quantity));
    for (let unit = 0; unit < quantity; unit += 1) {
      if (units.length === MAX_TICKETS_PER_ORDER) {
        capped = true;
        return;
      }
      units.push({ lineItemId: item.id ?? `line-${index}`, unit, quantity, item, rule });
    }
  });
  return { units, capped, problems };
}

/**
 * The key a ticket is created under: the same for every delivery of the order, so a retry after
 * a crash gets the ticket made the first time, never a second one.
 */
export function ticketIdempotencyKey(order: Pick<NormalisedOrder, 'shop' | 'orderId'>, lineItemId: string, unit: number): string {
  const digest = createHash('sha256').update(`${order.shop}\n${order.orderId}\n${lineItemId}\n${unit}`).digest('hex');
  return `ticket:${digest}`;
}

/**
 * What a ticket's barcode carries: the order, line item and unit, which no other ticket of the
 * shop shares (Code 128 sized, so any scanner reads it).
 */
export function ticketBarcodeValue(order: Pick<NormalisedOrder, 'orderId'>, lineItemId: string, unit: number): string {
  return clip(`${order.orderId}-${lineItemId}-${unit + 1}`, LIMITS.barcodeValueCode128);
}

/**
 * The event ticket for one unit. A ticket of a cancelled or refunded order, or one past the line
 * item's quantity, is voided: the door scanner and Wallet both show it as no longer valid.
 */
export function ticketPassBody(order: NormalisedOrder, ticket: TicketUnit, template: ShopTemplate): PassInput {
  const event = ticketEvent(ticket);
  const { timeZone } = ticket.rule.event;
  const body: PassInput = {
    style: 'eventTicket',
    event,
    barcodeValue: ticketBarcodeValue(order, ticket.lineItemId, ticket.unit),
    barcodeFormat: 'QR',
    logoText: clip(template.shopName, LIMITS.logoText),
    organizationName: template.shopName,
    description: clip(`${event.name} ticket, ${template.shopName} order ${order.orderNumber}`, LIMITS.description),
    headerFields: [{ key: 'ticket', label: 'TICKET', value: `${ticket.unit + 1} / ${ticket.quantity}` }],
    primaryFields: [{ key: 'event', label: 'EVENT', value: event.name }],
    secondaryFields: secondaryFields(order, ticket, event, template.locale, timeZone),
    auxiliaryFields: auxiliaryFields(event),
    backFields: [
      { key: 'order', label: 'ORDER', value: clip(order.orderNumber, LIMITS.fieldValue) },
      ...(event.venue.address ? [{ key: 'address', label: 'ADDRESS', value: event.venue.address }] : []),
    ],
    ...branding(template),
  };
  if (CLOSED_STATUSES.includes(order.status)) body.voided = true;
  if (body.auxiliaryFields?.length === 0) delete body.auxiliaryFields;
  return body;
}

/** A ticket the order no longer has (its quantity went down, or the item went): voided as it was. */
export function voidedTicketBody(body: PassInput): PassInput {
  return { ...body, voided: true };
}

function ticketEvent(ticket: TicketUnit): TicketEvent {
  const { timeZone: _zone, name, admissionLevel, ...event } = ticket.rule.event;
  const admission = admissionLevel ?? ticket.item.variant ?? undefined;
  return {
    ...event,
    name: name ?? clip(ticket.item.title, LIMITS.eventName),
    ...(admission ? { admissionLevel: clip(admission, LIMITS.shortText) } : {}),
  };
}

function secondaryFields(
  order: NormalisedOrder,
  ticket: TicketUnit,
  event: TicketEvent,
  locale: string,
  timeZone: string,
): PassFieldInput[] {
  const fields: PassFieldInput[] = [
    { key: 'starts', label: 'DATE', value: eventTime(event.startsAt, locale, timeZone), changeMessage: 'The event now starts %@' },
  ];
  if (ticket.rule.showHolder && order.customer.name) {
    fields.push({ key: 'holder', label: 'TICKET HOLDER', value: clip(order.customer.name, LIMITS.fieldValue) });
  }
  return fields;
}

function auxiliaryFields(event: TicketEvent): PassFieldInput[] {
  const fields: PassFieldInput[] = [{ key: 'venue', label: 'VENUE', value: event.venue.name, changeMessage: 'The venue is now %@' }];
  if (event.venue.entrance) fields.push({ key: 'entrance', label: 'ENTRANCE', value: event.venue.entrance });
  if (event.seat?.section) fields.push({ key: 'section', label: 'SECTION', value: event.seat.section });
  if (event.seat?.row) fields.push({ key: 'row', label: 'ROW', value: event.seat.row });
  if (event.seat?.number) fields.push({ key: 'seat', label: 'SEAT', value: event.seat.number });
  if (event.admissionLevel && fields.length < 4) fields.push({ key: 'admission', label: 'ADMISSION', value: event.admissionLevel });
  return fields.slice(0, 4);
}

function eventTime(startsAt: string, locale: string, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(startsAt));
  } catch {
    return startsAt;
  }
}
