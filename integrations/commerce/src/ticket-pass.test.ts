import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePassInput } from '@passmint/engine';
import type { NormalisedOrder } from './order';
import { parseShopTemplate } from './shop-template';
import { loadShopTemplate } from './shop-template-file';
import { ticketPassBody, ticketUnits } from './ticket-pass';
import { ticketRuleFor } from './ticket-rules';

const event = {
  startsAt: '2027-06-12T18:00:00+02:00',
  doorsOpenAt: '2027-06-12T17:00:00+02:00',
  venue: { name: 'Harbour Stage', address: 'Kai 1, Hamburg', entrance: 'Gate B' },
  timeZone: 'Europe/Berlin',
};

const template = parseShopTemplate({
  shopName: 'Harbour Lights',
  locale: 'en-GB',
  tickets: {
    rules: [
      { match: { tags: ['Ticket'] }, event },
      { match: { productTypes: ['Workshop'] }, event: { ...event, name: 'Workshop' } },
    ],
  },
});

function order(overrides: Partial<NormalisedOrder> = {}): NormalisedOrder {
  return {
    shop: 'harbour.myshopify.com',
    orderId: '450789469',
    orderNumber: '#1001',
    createdAt: '2027-01-10T09:00:00.000Z',
    updatedAt: '2027-01-10T09:00:00.000Z',
    status: 'paid',
    customer: { id: '207119551', name: 'Bob Norman', email: 'bob@example.com' },
    lineItems: [
      { id: '1', title: 'Weekend Pass', quantity: 3, variant: 'VIP', product: { type: 'Pass', tags: ['ticket'], categories: [] } },
      { id: '2', title: 'Mug', quantity: 1, product: { type: 'Merch', tags: [], categories: [] } },
      { id: '3', title: 'Knots', quantity: 1, product: { type: 'workshop', tags: [], categories: [] } },
    ],
    total: { amount: '97.20', currency: 'EUR' },
    tracking: null,
    ...overrides,
  };
}

test('one ticket per unit of each matching line item (tags and types without regard to case), none for the rest', () => {
  const { units, capped } = ticketUnits(order(), template);
  expect(units.map((unit) => [unit.lineItemId, unit.unit, unit.quantity])).toEqual([
    ['1', 0, 3],
    ['1', 1, 3],
    ['1', 2, 3],
    ['3', 0, 1],
  ]);
  expect(capped).toBe(false);
});

test('a line item without product data, or a template without tickets, makes no tickets', () => {
  expect(ticketUnits(order({ lineItems: [{ id: '1', title: 'Weekend Pass', quantity: 2 }] }), template).units).toEqual([]);
  expect(ticketUnits(order(), parseShopTemplate({ shopName: 'A' })).units).toEqual([]);
});

test('a rule naming several kinds wants all of them', () => {
  const rules = parseShopTemplate({ shopName: 'A', tickets: { rules: [{ match: { tags: ['ticket'], categories: ['Concerts'] }, event }] } })
    .tickets!.rules;
  const product = { type: null, tags: ['ticket'], categories: ['concerts'] };
  expect(ticketRuleFor({ title: 'x', quantity: 1, product }, rules)).toBeDefined();
  expect(ticketRuleFor({ title: 'x', quantity: 1, product: { ...product, categories: ['Theatre'] } }, rules)).toBeUndefined();
});

test('an order asking for more tickets than one order may make gets the first 100 and says so', () => {
  const big = order({ lineItems: [{ id: '1', title: 'Pass', quantity: 1000, product: { type: null, tags: ['ticket'], categories: [] } }] });
  const { units, capped } = ticketUnits(big, template);
  expect(units).toHaveLength(100);
  expect(capped).toBe(true);
});

test('a ticket is a valid eventTicket body: event from the template, name from the product, admission from the variant', () => {
  const [first, second] = ticketUnits(order(), template).units;
  const body = ticketPassBody(order(), first!, template);
  expect(parsePassInput(body).ok).toBe(true);
  expect(body).toMatchObject({
    style: 'eventTicket',
    event: {
      name: 'Weekend Pass',
      startsAt: event.startsAt,
      doorsOpenAt: event.doorsOpenAt,
      venue: event.venue,
      admissionLevel: 'VIP',
    },
    barcodeValue: '450789469-1-1',
    organizationName: 'Harbour Lights',
  });
  expect(body.event).not.toHaveProperty('timeZone');
  const fields = [...(body.headerFields ?? []), ...(body.secondaryFields ?? []), ...(body.auxiliaryFields ?? [])];
  expect(Object.fromEntries(fields.map((field) => [field.key, field.value]))).toMatchObject({
    ticket: '1 / 3',
    starts: '12 Jun 2027, 18:00',
    holder: 'Bob Norman',
    venue: 'Harbour Stage',
    entrance: 'Gate B',
    admission: 'VIP',
  });
  expect(ticketPassBody(order(), second!, template).barcodeValue).toBe('450789469-1-2');
  expect(body.voided).toBeUndefined();
});

test('tickets of a cancelled or refunded order are voided, whatever the order pass does', () => {
  const statusOnly = parseShopTemplate({ ...template, closedOrders: 'status' });
  for (const status of ['cancelled', 'refunded'] as const) {
    const [unit] = ticketUnits(order({ status }), statusOnly).units;
    expect(ticketPassBody(order({ status }), unit!, statusOnly).voided).toBe(true);
  }
});

test('the holder can be left off', () => {
  const noHolder = parseShopTemplate({ shopName: 'A', tickets: { rules: [{ match: { tags: ['ticket'] }, event, showHolder: false }] } });
  const [unit] = ticketUnits(order(), noHolder).units;
  expect(ticketPassBody(order(), unit!, noHolder).secondaryFields?.map((field) => field.key)).toEqual(['starts']);
});

test('a bad tickets section is refused with the path of each problem', () => {
  const attempt = (tickets: unknown) => () => parseShopTemplate({ shopName: 'A', tickets });
  expect(attempt({ rules: [] })).toThrow(/tickets[\s\S]*rules/);
  expect(attempt({ orderPass: 'both', rules: [{ match: { tags: ['t'] }, event }] })).toThrow(/orderPass/);
  expect(attempt({ rules: [{ match: {}, event }] })).toThrow(/must name tags, productTypes or categories/);
  expect(attempt({ rules: [{ match: { tags: ['t'] }, event: { ...event, timeZone: 'Mars/Base' } }] })).toThrow(/IANA time zone/);
  expect(attempt({ rules: [{ match: { tags: ['t'] }, event: { ...event, endsAt: '2027-06-12T10:00:00+02:00' } }] })).toThrow(
    /endsAt[\s\S]*must be after startsAt/,
  );
  expect(attempt({ rules: [{ match: { tags: ['t'] }, event: { startsAt: event.startsAt } }] })).toThrow(/venue/);
  expect(attempt({ rules: [{ match: { tags: ['t'] }, event, colour: 'red' }] })).toThrow(/colour/);
});

test('the tickets section has limits: 50 rules, 50 values per match kind, 255 characters a value', () => {
  const rule = { match: { tags: ['t'] }, event };
  const attempt = (tickets: unknown) => () => parseShopTemplate({ shopName: 'A', tickets });
  expect(attempt({ rules: Array.from({ length: 50 }, () => rule) })).not.toThrow();
  expect(attempt({ rules: Array.from({ length: 51 }, () => rule) })).toThrow(/rules/);
  expect(attempt({ rules: [{ ...rule, match: { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) } }] })).toThrow(/match[\s\S]*tags/);
  expect(attempt({ rules: [{ ...rule, match: { tags: ['x'.repeat(256)] } }] })).toThrow(/tags/);
  expect(attempt({ rules: [{ ...rule, match: { tags: [' '] } }] })).toThrow(/tags/);
});

test('a template file with a bad tickets section names the variable and the path of each problem, for the start-up error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'passmint-template-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(
      file,
      JSON.stringify({ tickets: { orderPass: 'both', rules: [{ match: { tags: ['t'] }, event: { ...event, venue: {} } }] } }),
    );
    const loaded = loadShopTemplate(file, 'PASSMINT_SHOPIFY_TEMPLATE', 'Harbour');
    expect(loaded.ok).toBe(false);
    const problems = loaded.ok ? [] : loaded.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PASSMINT_SHOPIFY_TEMPLATE tickets\.orderPass: /),
        expect.stringMatching(/^PASSMINT_SHOPIFY_TEMPLATE tickets\.rules\.0\.event\.venue\.name: /),
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a product's own event data overrides the rule's, venue key by key; invalid data is reported and the rule's event stands", () => {
  const withEvent = (event: unknown) =>
    order({ lineItems: [{ id: '1', title: 'Gala', quantity: 1, product: { type: null, tags: ['ticket'], categories: [], event } }] });
  const own = withEvent({ name: 'Winter Gala', startsAt: '2027-12-01T19:00:00+01:00', venue: { name: 'Opera House' }, seat: { row: '7' } });
  const { units, problems } = ticketUnits(own, template);
  expect(problems).toEqual([]);
  const body = ticketPassBody(own, units[0]!, template);
  expect(body.event).toMatchObject({
    name: 'Winter Gala',
    startsAt: '2027-12-01T19:00:00+01:00',
    venue: { name: 'Opera House', address: 'Kai 1, Hamburg', entrance: 'Gate B' },
    seat: { row: '7' },
  });
  // Its own date: the rule's door time (June) does not carry over.
  expect(body.event).not.toHaveProperty('doorsOpenAt');
  const sameDay = ticketUnits(withEvent({ venue: { entrance: 'Gate C' } }), template).units[0]!.rule.event;
  expect(sameDay).toMatchObject({
    startsAt: event.startsAt,
    doorsOpenAt: event.doorsOpenAt,
    venue: { name: 'Harbour Stage', entrance: 'Gate C' },
  });
  expect(parsePassInput(body).ok).toBe(true);

  const bad = ticketUnits(withEvent({ startsAt: 'tomorrow', colour: 'red' }), template);
  expect(bad.units[0]!.rule.event.startsAt).toBe(event.startsAt);
  expect(bad.problems).toHaveLength(1);
  expect(bad.problems[0]).toMatch(/^line item 1 \(Gala\): the product's event data /);
  expect(bad.problems[0]).toMatch(/startsAt/);
  expect(bad.problems[0]).toMatch(/colour/);
  expect(ticketUnits(withEvent('not json'), template).problems).toEqual([
    "line item 1 (Gala): the product's event data must be a JSON object",
  ]);
});
