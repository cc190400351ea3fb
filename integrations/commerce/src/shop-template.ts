import { COLOR_PRESETS, LIMITS } from '@passmint/engine';
import { z } from 'zod';
import { ORDER_STATUSES, type OrderStatus } from './order';
import { ticketsSchema } from './ticket-rules';

const DEFAULT_STATUS_LABELS: Record<OrderStatus, string> = {
  pending: 'Awaiting payment',
  paid: 'Paid',
  partially_fulfilled: 'Partly shipped',
  fulfilled: 'Shipped',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

/**
 * How one shop's order passes look and behave: branding, which fields show, the words for each
 * status, and whether a cancelled or refunded order voids its pass or only says so.
 */
export const shopTemplateSchema = z.strictObject({
  shopName: z.string().min(1).max(LIMITS.organizationName),
  colorPreset: z.enum(COLOR_PRESETS).optional(),
  color: z
    .string()
    .regex(/^#[0-9A-Fa-f]{6}$/)
    .optional(),
  logoURL: z.string().max(LIMITS.imageUrl).optional(),
  /** BCP 47 locale for money and dates, e.g. `de-DE`. */
  locale: z.string().min(2).max(35).default('en-US'),
  show: z
    .strictObject({
      customer: z.boolean().default(true),
      total: z.boolean().default(true),
      items: z.boolean().default(true),
      tracking: z.boolean().default(true),
    })
    .prefault({}),
  statusLabels: z.partialRecord(z.enum(ORDER_STATUSES), z.string().min(1).max(64)).default({}),
  closedOrders: z.enum(['void', 'status']).default('void'),
  /** Products that are event tickets: one ticket pass per unit, with or instead of the order pass. */
  tickets: ticketsSchema.optional(),
});

export type ShopTemplateInput = z.input<typeof shopTemplateSchema>;
export type ShopTemplate = z.output<typeof shopTemplateSchema>;

/** A shop's template with every default filled in; throws a ZodError naming each bad key. */
export function parseShopTemplate(input: unknown): ShopTemplate {
  return shopTemplateSchema.parse(input);
}

export function statusLabel(template: ShopTemplate, status: OrderStatus): string {
  return template.statusLabels[status] ?? DEFAULT_STATUS_LABELS[status];
}
