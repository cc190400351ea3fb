import { lineItemProductIds, normaliseWooOrder, SHIPMENT_TRACKING_META, wooOrderProduct, type WooOrder } from './woo-order';
import { parseWooOrder } from './woo-webhook';

const order: WooOrder = {
  id: 727,
  number: '727',
  status: 'processing',
  currency: 'EUR',
  total: '59.80',
  customer_id: 12,
  date_created_gmt: '2026-11-27T09:00:00',
  date_modified_gmt: '2026-11-27T09:05:30',
  billing: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
  line_items: [{ name: 'House blend', quantity: 2 }],
  meta_data: [{ id: 1, key: '_some_plugin', value: 'x' }],
};

test('a processing order is a paid order with its number, customer, items and UTC times', () => {
  expect(normaliseWooOrder(order, 'https://shop.example')).toEqual({
    shop: 'https://shop.example',
    orderId: '727',
    orderNumber: '#727',
    createdAt: '2026-11-27T09:00:00.000Z',
    updatedAt: '2026-11-27T09:05:30.000Z',
    status: 'paid',
    customer: { id: '12', name: 'Ada Lovelace', email: 'ada@example.com' },
    lineItems: [{ title: 'House blend', quantity: 2 }],
    total: { amount: '59.80', currency: 'EUR' },
    tracking: null,
  });
});

test.each([
  ['pending', 'pending'],
  ['on-hold', 'pending'],
  ['failed', 'pending'],
  ['processing', 'paid'],
  ['completed', 'fulfilled'],
  ['cancelled', 'cancelled'],
  ['refunded', 'refunded'],
  ['some-custom-status', 'pending'],
])('WooCommerce status %s is %s', (status, expected) => {
  expect(normaliseWooOrder({ ...order, status }, 'https://shop.example').status).toBe(expected);
});

test('a guest order has no customer id; Shipment Tracking meta gives the latest tracking number', () => {
  const tracked = normaliseWooOrder(
    {
      ...order,
      customer_id: 0,
      meta_data: [
        {
          key: SHIPMENT_TRACKING_META,
          value: [
            { tracking_provider: 'dhl', tracking_number: 'OLD1' },
            {
              tracking_provider: '',
              custom_tracking_provider: 'Bike courier',
              tracking_number: ' BC-42 ',
              custom_tracking_link: 'https://track.example/BC-42',
            },
          ],
        },
      ],
    },
    'https://shop.example',
  );
  expect(tracked.customer.id).toBeNull();
  expect(tracked.tracking).toEqual({ number: 'BC-42', company: 'Bike courier', url: 'https://track.example/BC-42' });
});

test('lists that are not lists, and line items without a name or quantity, are left out instead of failing', () => {
  const odd = { ...order, line_items: 'none' as never, meta_data: { key: 'x' } as never };
  expect(normaliseWooOrder(odd, 'https://shop.example')).toMatchObject({ lineItems: [], tracking: null });
  const mixed = { ...order, line_items: [{ name: 'Mug', quantity: 1 }, { quantity: 2 } as never, null as never] };
  expect(normaliseWooOrder(mixed, 'https://shop.example').lineItems).toEqual([{ title: 'Mug', quantity: 1 }]);
});

test("order and customer ids past JavaScript's safe integers are read exactly from the webhook body", () => {
  const body = Buffer.from(
    '{"id":9007199254740993,"status":"processing","currency":"EUR","total":"5.00","customer_id":18446744073709551615,' +
      '"date_created_gmt":"2026-11-27T09:00:00","date_modified_gmt":"2026-11-27T09:05:30"}',
  );
  const parsed = parseWooOrder(body);
  expect(parsed).not.toBeNull();
  expect(normaliseWooOrder(parsed!, 'https://shop.example')).toMatchObject({
    orderId: '9007199254740993',
    orderNumber: '#9007199254740993',
    customer: { id: '18446744073709551615' },
  });
  for (const id of ['"one"', '0', '-5', '1.5', '"0123"'])
    expect(parseWooOrder(Buffer.from(String(body).replace('9007199254740993', id)))).toBeNull();
});

test('line items carry their ids, and a variation its chosen attributes (the ticket admission level); products give categories and tags by name and slug', () => {
  const withItems = normaliseWooOrder(
    {
      ...order,
      line_items: [
        {
          id: 4310,
          name: 'Jazz night',
          quantity: 2,
          product_id: 31,
          variation_id: 32,
          meta_data: [
            { key: 'pa_ticket-type', display_value: 'VIP' },
            { key: '_reduced_stock', display_value: '2' },
          ],
        },
        { id: 4311, name: 'Cup', quantity: 1, product_id: 57, variation_id: 0 },
      ],
    },
    'https://shop.example',
  );
  expect(withItems.lineItems).toEqual([
    { id: '4310', title: 'Jazz night', quantity: 2, variant: 'VIP' },
    { id: '4311', title: 'Cup', quantity: 1 },
  ]);
  expect(lineItemProductIds({ ...order, line_items: [{ id: 4310, name: 'x', quantity: 1, product_id: 31 }] })).toEqual(
    new Map([['4310', '31']]),
  );
  expect(
    wooOrderProduct({ categories: [{ name: 'Concerts', slug: 'concerts' }], tags: [{ name: 'Live', slug: 'live' }, { name: 7 }] }),
  ).toEqual({ type: null, categories: ['Concerts', 'concerts'], tags: ['Live', 'live'] });
});
