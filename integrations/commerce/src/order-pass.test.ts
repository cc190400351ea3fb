import { LIMITS, parsePassInput } from '@passmint/engine';
import type { NormalisedOrder } from './order';
import { orderPassBody } from './order-pass';
import { parseShopTemplate } from './shop-template';

const template = parseShopTemplate({ shopName: 'Bayroast Coffee', colorPreset: 'green' });

function order(overrides: Partial<NormalisedOrder> = {}): NormalisedOrder {
  return {
    shop: 'bayroast.myshopify.com',
    orderId: '450789469',
    orderNumber: '#1001',
    createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T09:00:00.000Z',
    status: 'paid',
    customer: { id: '207119551', name: 'Ada Lovelace', email: 'ada@example.com' },
    lineItems: [
      { title: 'House blend, 1 kg', quantity: 2 },
      { title: 'Mug', quantity: 1 },
    ],
    total: { amount: '59.80', currency: 'EUR' },
    tracking: null,
    ...overrides,
  };
}

const field = (body: ReturnType<typeof orderPassBody>, key: string) =>
  [
    ...(body.headerFields ?? []),
    ...(body.primaryFields ?? []),
    ...(body.secondaryFields ?? []),
    ...(body.auxiliaryFields ?? []),
    ...(body.backFields ?? []),
  ].find((f) => f.key === key);

test('a paid order becomes a valid pass body with the order, status, customer, total and items', () => {
  const body = orderPassBody(order(), template);
  expect(parsePassInput(body).ok).toBe(true);
  expect(body).toMatchObject({ barcodeValue: '#1001', barcodeFormat: 'QR', organizationName: 'Bayroast Coffee', colorPreset: 'green' });
  expect(field(body, 'status')).toEqual({ key: 'status', label: 'STATUS', value: 'Paid', changeMessage: 'Order #1001: %@' });
  expect(field(body, 'order')?.value).toBe('#1001');
  expect(field(body, 'customer')?.value).toBe('Ada Lovelace');
  expect(field(body, 'total')?.value).toBe('€59.80');
  expect(field(body, 'items')?.value).toBe('2 × House blend, 1 kg\n1 × Mug');
  expect(body.voided).toBeUndefined();
});

test('fulfilment with tracking changes the status in place and adds the tracking number, both with change messages', () => {
  const paid = orderPassBody(order(), template);
  const shipped = orderPassBody(
    order({
      status: 'fulfilled',
      tracking: { company: 'DHL', number: 'JD014600006281230704', url: 'https://track.example/JD014600006281230704' },
    }),
    template,
  );
  expect(field(shipped, 'status')?.value).toBe('Shipped');
  expect(field(shipped, 'status')?.key).toBe(field(paid, 'status')?.key);
  expect(field(shipped, 'tracking')).toEqual({
    key: 'tracking',
    label: 'DHL',
    value: 'JD014600006281230704',
    changeMessage: 'Shipped: tracking number %@',
  });
  expect(field(shipped, 'trackingUrl')?.value).toBe('https://track.example/JD014600006281230704');
  expect(parsePassInput(shipped).ok).toBe(true);
});

test('cancelled and refunded orders void the pass by default, or only say so when the shop chooses', () => {
  for (const status of ['cancelled', 'refunded'] as const) {
    expect(orderPassBody(order({ status }), template).voided).toBe(true);
    const statusOnly = orderPassBody(order({ status }), parseShopTemplate({ shopName: 'Bayroast', closedOrders: 'status' }));
    expect(statusOnly.voided).toBeUndefined();
    expect(field(statusOnly, 'status')?.value).toBe(status === 'cancelled' ? 'Cancelled' : 'Refunded');
  }
});

test('the shop template hides fields, renames statuses and formats money in its locale', () => {
  const custom = parseShopTemplate({
    shopName: 'Rösterei',
    locale: 'de-DE',
    show: { customer: false, items: false },
    statusLabels: { paid: 'Bezahlt' },
  });
  const body = orderPassBody(order(), custom);
  expect(field(body, 'customer')).toBeUndefined();
  expect(field(body, 'items')).toBeUndefined();
  expect(field(body, 'status')?.value).toBe('Bezahlt');
  expect(field(body, 'total')?.value).toBe('59,80\u00a0€');
  expect(parsePassInput(body).ok).toBe(true);
});

test('oversized order data is clipped to the schema limits instead of failing', () => {
  const long = 'x'.repeat(5000);
  const body = orderPassBody(
    order({
      orderNumber: `#${'9'.repeat(200)}`,
      customer: { id: null, name: long, email: null },
      lineItems: Array.from({ length: 300 }, (_, index) => ({ title: `Item ${index} ${long.slice(0, 40)}`, quantity: 1 })),
      tracking: { company: long, number: long, url: `https://t.example/${long}` },
    }),
    template,
  );
  const parsed = parsePassInput(body);
  expect(parsed.ok).toBe(true);
  expect([...(field(body, 'items')?.value as string)].length).toBeLessThanOrEqual(LIMITS.backFieldValue);
});

test('an invalid template is refused with the key it got wrong', () => {
  expect(() => parseShopTemplate({ shopName: '', closedOrders: 'delete' })).toThrow(
    /shopName[\s\S]*closedOrders|closedOrders[\s\S]*shopName/,
  );
  expect(() => parseShopTemplate({ shopName: 'A', colour: '#000000' })).toThrow(/colour/);
});
