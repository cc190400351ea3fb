import { normaliseOrderNode, normaliseWebhookOrder, withProducts, type ShopifyOrderNode, type ShopifyWebhookOrder } from './shopify-order';

const webhookOrder: ShopifyWebhookOrder = {
  id: 450789469,
  name: '#1001',
  created_at: '2026-11-20T10:15:30-05:00',
  updated_at: '2026-11-21T04:02:11-05:00',
  cancelled_at: null,
  financial_status: 'paid',
  fulfillment_status: null,
  currency: 'USD',
  total_price: '97.20',
  customer: { id: 207119551, first_name: 'Bob', last_name: 'Norman', email: 'bob@example.com' },
  line_items: [{ id: 466157049, title: 'Weekend Pass', quantity: 2, variant_title: 'VIP' }],
  fulfillments: [],
};

const node: ShopifyOrderNode = {
  id: 'gid://shopify/Order/450789469',
  legacyResourceId: '450789469',
  name: '#1001',
  email: 'bob@example.com',
  createdAt: '2026-11-20T15:15:30Z',
  updatedAt: '2026-11-21T09:02:11Z',
  cancelledAt: null,
  displayFinancialStatus: 'PAID',
  displayFulfillmentStatus: 'UNFULFILLED',
  totalPriceSet: { shopMoney: { amount: '97.2', currencyCode: 'USD' } },
  customer: { id: 'gid://shopify/Customer/207119551', firstName: 'Bob', lastName: 'Norman', email: 'bob@example.com' },
  lineItems: { nodes: [{ id: 'gid://shopify/LineItem/466157049', title: 'Weekend Pass', quantity: 2, variantTitle: 'VIP' }] },
  fulfillments: [],
};

test('the webhook shape and the Admin GraphQL shape of one order normalise alike', () => {
  const fromWebhook = normaliseWebhookOrder(webhookOrder, 'shop.myshopify.com');
  const fromAdmin = normaliseOrderNode(node, 'shop.myshopify.com');
  expect(fromWebhook).toMatchObject({
    orderId: '450789469',
    orderNumber: '#1001',
    status: 'paid',
    updatedAt: '2026-11-21T09:02:11.000Z',
    customer: { id: '207119551', name: 'Bob Norman' },
  });
  expect({ ...fromAdmin, total: null }).toEqual({ ...fromWebhook, total: null });
  expect(Number(fromAdmin.total.amount)).toBe(Number(fromWebhook.total.amount));
});

test.each([
  [{ financial_status: 'pending' }, 'pending'],
  [{ financial_status: 'authorized' }, 'paid'],
  [{ fulfillment_status: 'partial' }, 'partially_fulfilled'],
  [{ fulfillment_status: 'fulfilled' }, 'fulfilled'],
  [{ financial_status: 'refunded', fulfillment_status: 'fulfilled' }, 'refunded'],
  [{ financial_status: 'voided' }, 'cancelled'],
  [{ cancelled_at: '2026-11-22T09:00:00-05:00', financial_status: 'refunded' }, 'cancelled'],
] as const)('Shopify %j is %s', (change, status) => {
  expect(normaliseWebhookOrder({ ...webhookOrder, ...change }, 'shop').status).toBe(status);
});

test('the latest fulfilment with a tracking number gives the tracking; cancelled fulfilments do not count', () => {
  const order = normaliseWebhookOrder(
    {
      ...webhookOrder,
      fulfillments: [
        { status: 'success', tracking_company: 'UPS', tracking_number: '1Z1', tracking_url: 'https://ups.example/1Z1' },
        { status: 'cancelled', tracking_company: 'DHL', tracking_number: 'JD9', tracking_url: null },
      ],
    },
    'shop',
  );
  expect(order.tracking).toEqual({ company: 'UPS', number: '1Z1', url: 'https://ups.example/1Z1' });
});

test('lists that are not lists, and line items without a title or quantity, are left out instead of failing', () => {
  const odd = { ...webhookOrder, line_items: 'none' as never, fulfillments: null as never };
  expect(normaliseWebhookOrder(odd, 'shop')).toMatchObject({ lineItems: [], tracking: null });
  const mixed = { ...webhookOrder, line_items: [{ title: 'Mug', quantity: 1 }, { quantity: 2 } as never, null as never] };
  expect(normaliseWebhookOrder(mixed, 'shop').lineItems).toEqual([{ title: 'Mug', quantity: 1, variant: null }]);
});

test("line item products from the Admin API fill the ticket rules' product type and tags, matched by line item id", () => {
  const order = normaliseWebhookOrder(webhookOrder, 'shop');
  const filled = withProducts(order, {
    lineItems: {
      nodes: [
        { id: 'gid://shopify/LineItem/466157049', product: { productType: 'Festival Pass', tags: ['ticket'] } },
        { id: 'gid://shopify/LineItem/1', product: null },
      ],
    },
  });
  expect(filled.lineItems[0]).toEqual({
    id: '466157049',
    title: 'Weekend Pass',
    quantity: 2,
    variant: 'VIP',
    product: { type: 'Festival Pass', tags: ['ticket'], categories: [] },
  });
  expect(withProducts(order, null)).toEqual(order);
});
