import { Webhook } from 'standardwebhooks';
import { createPassmintClient, PassmintApiError, verifyWebhook, type PassmintClient } from '@passmint/client';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { startInProcess, type InProcessServer } from '@passmint/cli/testing';
import { closeAll } from './test-support/cleanup';
import { startHookReceiver, type HookReceiver } from './test-support/hook-receiver';

let receiver: HookReceiver;
let server: InProcessServer;
let passmint: PassmintClient;

beforeAll(async () => {
  receiver = await startHookReceiver();
  server = await startInProcess({ PASSMINT_WEBHOOK_HOSTS_ALLOW: receiver.host });
  passmint = createPassmintClient({ baseUrl: server.url, apiKey: server.key });
}, 60_000);
afterAll(() => closeAll([() => server?.close(), () => receiver?.close()]));

test('listEvents: a pass’s changes, oldest first, by type, page by page with next and hasMore', async () => {
  const { serialNumber } = await passmint.createPass(API_EXAMPLE_BODIES.create);
  await passmint.updatePass(serialNumber, API_EXAMPLE_BODIES.update);
  await passmint.voidPass(serialNumber);
  const all = await passmint.listEvents();
  const mine = all.events.filter((event) => event.data.serialNumber === serialNumber);
  expect(mine.map((event) => [event.type, 'version' in event.data ? event.data.version : null])).toEqual([
    ['pass.created', 1],
    ['pass.updated', 2],
    ['pass.voided', 3],
  ]);
  expect(mine.every((event) => /^evt_/.test(event.id) && !Number.isNaN(Date.parse(event.createdAt)))).toBe(true);

  const updates = await passmint.listEvents({ types: ['pass.updated', 'pass.voided'] });
  expect(updates.events.map((event) => event.type)).toEqual(['pass.updated', 'pass.voided']);

  const first = await passmint.listEvents({ limit: 1 });
  expect(first).toMatchObject({ events: [all.events[0]], next: all.events[0]!.id, hasMore: true });
  const rest = await passmint.listEvents({ after: first.next!, limit: 500 });
  expect(rest.events).toEqual(all.events.slice(1));
  expect(rest.hasMore).toBe(false);
  // Nothing newer: the same cursor back, to poll again later.
  expect(await passmint.listEvents({ after: rest.next! })).toEqual({ events: [], next: rest.next, hasMore: false });
  // Newest first, paged with before.
  const latest = await passmint.listEvents({ order: 'newest', limit: 2 });
  expect(latest.events).toEqual(all.events.slice(-2).reverse());
  const older = await passmint.listEvents({ order: 'newest', before: latest.next!, limit: 500 });
  expect(older.events).toEqual(all.events.slice(0, -2).reverse());
});

test('listEvents: a bad limit, cursor or type is a typed 400 invalid_query', async () => {
  for (const options of [{ limit: 0 }, { limit: 501 }, { after: 'yesterday' }, { types: ['pass.exploded'] as never }]) {
    const error = await passmint.listEvents(options).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PassmintApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_query' });
  }
});

test('webhooks: create (secret shown once), list, get, deliveries, delete; a delivery verifies with verifyWebhook and standardwebhooks', async () => {
  const url = `${receiver.url}/client-hooks`;
  const created = await passmint.createWebhook({ url, events: ['pass.updated'], description: 'client test' });
  expect(created).toEqual({
    id: expect.stringMatching(/^whk_/),
    url,
    events: ['pass.updated'],
    description: 'client test',
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    createdAt: expect.any(String),
    secret: expect.stringMatching(/^whsec_/),
  });
  const { secret, ...endpoint } = created;
  expect(await passmint.getWebhook(created.id)).toEqual(endpoint);
  expect((await passmint.listWebhooks()).webhooks).toContainEqual(endpoint);

  const { serialNumber } = await passmint.createPass(API_EXAMPLE_BODIES.create);
  await passmint.updatePass(serialNumber, API_EXAMPLE_BODIES.update);
  const [delivery] = await receiver.waitFor('the delivery', (hooks) => hooks.some((hook) => hook.path === '/client-hooks'));
  const event = verifyWebhook(secret, delivery!.headers, delivery!.body);
  expect(event).toEqual({
    id: expect.stringMatching(/^evt_/),
    type: 'pass.updated',
    timestamp: expect.any(String),
    data: { serialNumber, version: 2 },
  });
  const headers = Object.fromEntries(Object.entries(delivery!.headers).map(([name, value]) => [name, String(value)]));
  expect(new Webhook(secret).verify(delivery!.body.toString('utf8'), headers)).toEqual({
    type: event.type,
    timestamp: event.timestamp,
    data: event.data,
  });
  const { events } = await passmint.listEvents({ types: ['pass.updated'] });
  expect(events.find((listed) => listed.id === event.id)).toMatchObject({ createdAt: event.timestamp, data: event.data });

  // The attempt is recorded just after the receiver answered (in a batch): poll until it shows.
  let { deliveries } = await passmint.listWebhookDeliveries(created.id, { limit: 10 });
  for (let tries = 0; deliveries.length === 0 && tries < 600; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    ({ deliveries } = await passmint.listWebhookDeliveries(created.id, { limit: 10 }));
  }
  expect(deliveries).toEqual([
    {
      eventId: event.id,
      type: 'pass.updated',
      attempt: 1,
      status: 204,
      attemptedAt: expect.any(String),
      error: null,
      outcome: 'delivered',
    },
  ]);

  expect(await passmint.deleteWebhook(created.id)).toEqual({ id: created.id, deleted: true });
  await expect(passmint.getWebhook(created.id)).rejects.toMatchObject({ status: 404, code: 'webhook_not_found' });
  await expect(passmint.deleteWebhook(created.id)).rejects.toMatchObject({ status: 404, code: 'webhook_not_found' });
});

test('webhooks: a bad body or a forbidden URL is a typed 400', async () => {
  await expect(passmint.createWebhook({ url: `${receiver.url}/x`, events: [] })).rejects.toMatchObject({
    status: 400,
    code: 'invalid_webhook',
    issues: [expect.objectContaining({ path: 'events' })],
  });
  await expect(passmint.createWebhook({ url: 'http://10.0.0.1/hooks', events: ['pass.updated'] })).rejects.toMatchObject({
    status: 400,
    code: 'webhook_url_forbidden',
  });
});
