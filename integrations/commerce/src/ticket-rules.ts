import { ticketEventSchema } from '@passmint/engine';
import { z } from 'zod';
import type { OrderLineItem } from './order';

const MAX_RULES = 50;
const MAX_MATCH_VALUES = 50;
/** Shopify's own limit on a product tag's length; WooCommerce names and slugs fit it too. */
const MAX_MATCH_TEXT = 255;

const matchValues = z.array(z.string().trim().min(1).max(MAX_MATCH_TEXT)).min(1).max(MAX_MATCH_VALUES);

/**
 * Which products are tickets. Each kind given must match (a rule with `tags` and `productTypes`
 * wants both); within a kind any value does. Compared without regard to case, as Shopify compares
 * tags. Shopify products have `productTypes` and `tags`; WooCommerce products have `categories`
 * and `tags` (by name or slug).
 */
const ticketMatchSchema = z
  .strictObject({
    tags: matchValues.optional(),
    productTypes: matchValues.optional(),
    categories: matchValues.optional(),
  })
  .refine((match) => match.tags || match.productTypes || match.categories, {
    message: 'must name tags, productTypes or categories',
  });

const { name: _name, ...eventShape } = ticketEventSchema.shape;

/**
 * The event a matching product admits to: as the pass body's `event`, but the name defaults to the
 * product's title, and `timeZone` says how the ticket's face shows the times.
 */
const ticketEventTemplateSchema = z
  .strictObject({
    name: ticketEventSchema.shape.name.optional(),
    ...eventShape,
    timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Berlin' }).default('UTC'),
  })
  .superRefine(({ timeZone: _zone, ...event }, ctx) => {
    const parsed = ticketEventSchema.safeParse({ ...event, name: event.name ?? 'product title' });
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message });
  });

const ticketRuleSchema = z.strictObject({
  match: ticketMatchSchema,
  event: ticketEventTemplateSchema,
  /** Show the order's customer as the ticket holder (the pass's `holder` field). */
  showHolder: z.boolean().default(true),
});

/**
 * The `tickets` section of a shop template: products that are tickets, and whether an order with
 * tickets also gets its order pass (`also`) or only the tickets (`instead`).
 */
export const ticketsSchema = z.strictObject({
  orderPass: z.enum(['also', 'instead']).default('also'),
  rules: z.array(ticketRuleSchema).min(1).max(MAX_RULES),
});

export type TicketRule = z.output<typeof ticketRuleSchema>;
export type TicketsTemplate = z.output<typeof ticketsSchema>;

/** The first rule that makes this line item a ticket, if any. */
export function ticketRuleFor(item: OrderLineItem, rules: readonly TicketRule[]): TicketRule | undefined {
  const product = item.product;
  if (!product) return undefined;
  const has = (wanted: readonly string[] | undefined, values: readonly (string | null)[]) => {
    if (!wanted) return true;
    const present = new Set(values.filter((value): value is string => value !== null).map(folded));
    return wanted.some((value) => present.has(folded(value)));
  };
  return rules.find(
    ({ match }) => has(match.tags, product.tags) && has(match.productTypes, [product.type]) && has(match.categories, product.categories),
  );
}

/** Whether any rule could need product data: adapters skip the lookup when the template has no tickets. */
export function wantsProducts(tickets: TicketsTemplate | undefined): boolean {
  return (tickets?.rules.length ?? 0) > 0;
}

function folded(value: string): string {
  return value.trim().toLowerCase();
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How many tickets one order may make, so a typo'd quantity cannot flood the pass store. */
export const MAX_TICKETS_PER_ORDER = 100;
export const TICKET_LIMITS = { rules: MAX_RULES, matchValues: MAX_MATCH_VALUES, perOrder: MAX_TICKETS_PER_ORDER } as const;

/**
 * The rule as it applies to one product: the product's own event data (see OrderProduct.event)
 * over the rule's, `venue` and `seat` merged key by key; a product with its own `startsAt` keeps
 * none of the rule's other times. Data that does not make a valid event is
 * a problem to report, and the rule's event stands.
 */
export function withProductEvent(rule: TicketRule, override: unknown): { rule: TicketRule; problem?: string } {
  if (override === undefined || override === null) return { rule };
  if (!isPlainObject(override)) return { rule, problem: 'must be a JSON object' };
  // An event on another day brings its own times: the rule's end and door times do not carry over.
  const { endsAt, doorsOpenAt, ...ruleEvent } = rule.event;
  const times = override.startsAt === undefined ? { endsAt, doorsOpenAt } : {};
  const merged: Record<string, unknown> = { ...ruleEvent, ...times, ...override };
  for (const part of ['venue', 'seat'] as const) {
    const own = override[part];
    if (isPlainObject(own)) merged[part] = { ...rule.event[part], ...own };
  }
  const parsed = ticketEventTemplateSchema.safeParse(merged);
  if (parsed.success) return { rule: { ...rule, event: parsed.data } };
  return { rule, problem: parsed.error.issues.map((issue) => `${[...issue.path].join('.') || '(event)'}: ${issue.message}`).join('; ') };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
