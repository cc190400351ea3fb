import { LIMITS, type PassFieldInput, type PassInput } from '@passmint/engine';
import { CLOSED_STATUSES, type NormalisedOrder } from './order';
import { branding, clip } from './pass-text';
import { statusLabel, type ShopTemplate } from './shop-template';

/**
 * The pass body for an order. Every field has a stable key, so a later body for the same order
 * changes values in place and Wallet shows each field's change message on the lock screen.
 */
export function orderPassBody(order: NormalisedOrder, template: ShopTemplate): PassInput {
  const closed = CLOSED_STATUSES.includes(order.status);
  const number = clip(order.orderNumber, LIMITS.fieldValue);
  const body: PassInput = {
    barcodeValue: clip(order.orderNumber, LIMITS.barcodeValueCode128),
    barcodeFormat: 'QR',
    logoText: clip(template.shopName, LIMITS.logoText),
    organizationName: template.shopName,
    description: clip(`${template.shopName} order ${order.orderNumber}`, LIMITS.description),
    headerFields: [
      {
        key: 'status',
        label: 'STATUS',
        value: statusLabel(template, order.status),
        changeMessage: clip(`Order ${number}: %@`, LIMITS.changeMessage),
      },
    ],
    primaryFields: [{ key: 'order', label: 'ORDER', value: number }],
    secondaryFields: secondaryFields(order, template),
    auxiliaryFields: trackingFields(order, template),
    backFields: backFields(order, template),
    ...branding(template),
  };
  if (closed && template.closedOrders === 'void') body.voided = true;
  return withoutEmptyRows(body);
}

function secondaryFields(order: NormalisedOrder, template: ShopTemplate): PassFieldInput[] {
  const fields: PassFieldInput[] = [];
  if (template.show.customer && order.customer.name) {
    fields.push({ key: 'customer', label: 'CUSTOMER', value: clip(order.customer.name, LIMITS.fieldValue) });
  }
  if (template.show.total) {
    fields.push({ key: 'total', label: 'TOTAL', value: money(order.total, template.locale), changeMessage: 'Order total is now %@' });
  }
  return fields;
}

function trackingFields(order: NormalisedOrder, template: ShopTemplate): PassFieldInput[] {
  if (!template.show.tracking || !order.tracking) return [];
  const label = order.tracking.company ? order.tracking.company.toUpperCase() : 'TRACKING';
  return [
    {
      key: 'tracking',
      label: clip(label, LIMITS.fieldLabel),
      value: clip(order.tracking.number, LIMITS.fieldValue),
      changeMessage: 'Shipped: tracking number %@',
    },
  ];
}

function backFields(order: NormalisedOrder, template: ShopTemplate): PassFieldInput[] {
  const fields: PassFieldInput[] = [];
  if (template.show.items && order.lineItems.length > 0) {
    const lines = order.lineItems.map((item) => `${item.quantity} × ${item.title}`).join('\n');
    fields.push({ key: 'items', label: 'ITEMS', value: clip(lines, LIMITS.backFieldValue) });
  }
  if (template.show.tracking && order.tracking?.url) {
    fields.push({ key: 'trackingUrl', label: 'TRACK YOUR PARCEL', value: clip(order.tracking.url, LIMITS.backFieldValue) });
  }
  fields.push({ key: 'ordered', label: 'ORDERED', value: orderDate(order.createdAt, template.locale) });
  return fields;
}

function withoutEmptyRows(body: PassInput): PassInput {
  const rows = ['secondaryFields', 'auxiliaryFields', 'backFields'] as const;
  for (const row of rows) if (body[row]?.length === 0) delete body[row];
  return body;
}

function money(total: NormalisedOrder['total'], locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: total.currency }).format(Number(total.amount));
  } catch {
    return `${total.amount} ${total.currency}`;
  }
}

function orderDate(createdAt: string, locale: string): string {
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(createdAt));
  } catch {
    return createdAt.slice(0, 10);
  }
}
