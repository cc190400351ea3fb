import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { createPassmintClient, type PassmintClient } from '@passmint/client';
import { EVENT_TYPES } from '@passmint/engine/schema';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { startInProcess, type InProcessServer } from '@passmint/cli/testing';
import type { INodeExecutionData, INodePropertyOptions } from 'n8n-workflow';
import { PassmintApi } from 'n8n-nodes-passmint/dist/credentials/PassmintApi.credentials';
import { PassmintTrigger } from 'n8n-nodes-passmint/dist/nodes/PassmintTrigger/PassmintTrigger.node';
import { checkSignature } from 'n8n-nodes-passmint/dist/nodes/PassmintTrigger/webhook-signature';
import { closeAll } from './test-support/cleanup';
import { startHookReceiver, type HookReceiver } from './test-support/hook-receiver';
import { createN8nTriggerHarness } from './test-support/n8n-trigger-harness';

const packageDir = dirname(require.resolve('n8n-nodes-passmint/package.json'));
const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const trigger = new PassmintTrigger();
const nodeTypeName = `${packageJson.name}.${trigger.description.name}`;

describe('the Passmint Trigger node', () => {
  test('is listed in the n8n block, built with its codex file, and shares the credential and icons of the Passmint node', () => {
    expect(packageJson.n8n.nodes).toContain('dist/nodes/PassmintTrigger/PassmintTrigger.node.js');
    expect(existsSync(join(packageDir, 'dist/nodes/PassmintTrigger/PassmintTrigger.node.js'))).toBe(true);
    const codex = JSON.parse(readFileSync(join(packageDir, 'dist/nodes/PassmintTrigger/PassmintTrigger.node.json'), 'utf8'));
    expect(codex.node).toBe(nodeTypeName);
    expect(trigger.description).toMatchObject({
      group: ['trigger'],
      inputs: [],
      credentials: [{ name: new PassmintApi().name, required: true }],
      icon: { light: 'file:../../icons/passmint.svg', dark: 'file:../../icons/passmint.dark.svg' },
      webhooks: [{ name: 'default', httpMethod: 'POST' }],
    });
  });

  test("its Events are the API's event types, each once", () => {
    const events = trigger.description.properties.find((property) => property.name === 'events')!;
    expect(events.type).toBe('multiOptions');
    expect((events.options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([...EVENT_TYPES].sort());
  });

  test('its signature check accepts what the standardwebhooks package signs and nothing changed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), fc.string(), (key, text) => {
        const secret = `whsec_${Buffer.from(key).toString('base64')}`;
        const body = Buffer.from(JSON.stringify({ type: 'pass.updated', timestamp: '2026-12-07T10:00:00Z', data: { text } }));
        const now = new Date();
        const headers = {
          'webhook-id': 'evt_1',
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': `v1,${randomBytes(32).toString('base64')} ${new Webhook(secret).sign('evt_1', now, body.toString('utf8'))}`,
        };
        expect(checkSignature(secret, headers, body)).toEqual({ ok: true });
        expect(checkSignature(secret, { ...headers, 'webhook-id': 'evt_2' }, body)).toEqual({ ok: false, reason: 'signature_invalid' });
        expect(checkSignature(secret, headers, Buffer.concat([body, Buffer.from(' ')]))).toEqual({
          ok: false,
          reason: 'signature_invalid',
        });
        const later = new Date(now.getTime() + 301_000);
        expect(checkSignature(secret, headers, body, later)).toEqual({ ok: false, reason: 'timestamp_out_of_range' });
        const { 'webhook-signature': _signature, ...unsigned } = headers;
        expect(checkSignature(secret, unsigned, body)).toEqual({ ok: false, reason: 'headers_missing' });
      }),
      { numRuns: 100 },
    );
  });
});

describe('the Passmint Trigger against a real Passmint server, through n8n-core', () => {
  let receiver: HookReceiver;
  let server: InProcessServer;
  let client: PassmintClient;
  let harness: ReturnType<typeof createN8nTriggerHarness>;
  /** What each request to the node's URL started the workflow with; null when the node answered by itself. */
  const started: (INodeExecutionData[] | null)[] = [];

  beforeAll(async () => {
    receiver = await startHookReceiver();
    // n8n on loopback is a private address: the server lets it in only when told to.
    server = await startInProcess({ PASSMINT_WEBHOOK_HOSTS_ALLOW: receiver.host });
    client = createPassmintClient({ baseUrl: server.url, apiKey: server.key });
    harness = createN8nTriggerHarness({
      nodeType: trigger,
      nodeTypeName,
      credentialType: new PassmintApi(),
      credentials: { baseUrl: server.url, apiKey: server.key },
      webhookBaseUrl: `${receiver.url}/webhook`,
      parameters: { events: ['pass.updated', 'pass.voided'] },
    });
    receiver.handle(async (request, body, response) => void started.push(await harness.receive(request, body, response)));
  }, 60_000);
  afterAll(() => closeAll([() => server?.close(), () => receiver?.close()]));

  const endpointOf = async () => (await client.listWebhooks()).webhooks;

  test('activation registers the node URL for the chosen events and keeps the id and secret; activating again adds none', async () => {
    await harness.activate();
    const { webhookId, webhookSecret } = harness.staticData();
    expect(webhookId).toMatch(/^whk_/);
    expect(webhookSecret).toMatch(/^whsec_/);
    expect(await endpointOf()).toEqual([
      expect.objectContaining({ id: webhookId, url: harness.webhookUrl, events: ['pass.updated', 'pass.voided'], enabled: true }),
    ]);
    expect(await harness.checkExists()).toBe(true);
    await harness.activate();
    expect((await endpointOf()).map((endpoint) => endpoint.id)).toEqual([webhookId]);
  });

  test('a pass change reaches the node as one item with the event; a pass it was not subscribed to does not', async () => {
    const { serialNumber } = await client.createPass(API_EXAMPLE_BODIES.create);
    await client.updatePass(serialNumber, API_EXAMPLE_BODIES.update);
    await client.voidPass(serialNumber);
    const received = await receiver.waitFor('two deliveries', (hooks) => hooks.length >= 2);
    expect(received.map((hook) => [hook.path, hook.status])).toEqual([
      [`/webhook/${harness.webhookUrl.split('/webhook/')[1]}`, 200],
      [`/webhook/${harness.webhookUrl.split('/webhook/')[1]}`, 200],
    ]);
    expect(started.map((items) => items?.map((item) => item.json))).toEqual([
      [{ id: expect.stringMatching(/^evt_/), type: 'pass.updated', timestamp: expect.any(String), data: { serialNumber, version: 2 } }],
      [{ id: expect.stringMatching(/^evt_/), type: 'pass.voided', timestamp: expect.any(String), data: { serialNumber, version: 3 } }],
    ]);
    // The item's id is the webhook-id, the id of the event GET /api/events lists.
    const { events } = await client.listEvents({ types: ['pass.updated'] });
    expect(events.map((event) => event.id)).toContain(started[0]![0]!.json.id);
    // Attempts are recorded just after the receiver answered (in a batch): poll until both show.
    let deliveries = await client.listWebhookDeliveries(String(harness.staticData().webhookId));
    for (let tries = 0; deliveries.deliveries.length < 2 && tries < 600; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      deliveries = await client.listWebhookDeliveries(String(harness.staticData().webhookId));
    }
    expect(deliveries.deliveries.map((delivery) => [delivery.outcome, delivery.status])).toEqual([
      ['delivered', 200],
      ['delivered', 200],
    ]);
  });

  test('a request that does not verify is answered 401 and starts nothing', async () => {
    const before = started.length;
    const body = JSON.stringify({ type: 'pass.voided', timestamp: new Date().toISOString(), data: { serialNumber: 'forged' } });
    const now = new Date();
    const forged = new Webhook(`whsec_${randomBytes(32).toString('base64')}`);
    const real = new Webhook(String(harness.staticData().webhookSecret));
    const attempts: Record<string, string>[] = [
      {
        'webhook-id': 'evt_x',
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': forged.sign('evt_x', now, body),
      },
      {},
      // Signed with the right secret, but an hour ago: a replay.
      (() => {
        const then = new Date(now.getTime() - 3_600_000);
        return {
          'webhook-id': 'evt_y',
          'webhook-timestamp': String(Math.floor(then.getTime() / 1000)),
          'webhook-signature': real.sign('evt_y', then, body),
        };
      })(),
    ];
    for (const headers of attempts) {
      const response = await fetch(harness.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ code: expect.stringMatching(/^webhook_/) });
    }
    expect(started.slice(before)).toEqual([null, null, null]);
  });

  test('an endpoint deleted behind n8n’s back, or with other events, is made afresh on activation', async () => {
    const first = String(harness.staticData().webhookId);
    await client.deleteWebhook(first);
    expect(await harness.checkExists()).toBe(false);
    expect(harness.staticData().webhookId).toBeUndefined();
    await harness.activate();
    const second = String(harness.staticData().webhookId);
    expect(second).not.toBe(first);
    expect((await endpointOf()).map((endpoint) => endpoint.id)).toEqual([second]);

    harness.setParameter('events', ['pass.installed', 'pass.updated']);
    expect(await harness.checkExists()).toBe(false);
    await expect(client.getWebhook(second)).rejects.toMatchObject({ code: 'webhook_not_found' });
    await harness.activate();
    expect(await endpointOf()).toEqual([
      expect.objectContaining({ id: harness.staticData().webhookId, events: ['pass.installed', 'pass.updated'] }),
    ]);
  });

  test('deactivation deletes the endpoint and forgets it; deactivating again is harmless', async () => {
    const id = String(harness.staticData().webhookId);
    expect(await harness.deactivate()).toBe(true);
    await expect(client.getWebhook(id)).rejects.toMatchObject({ status: 404, code: 'webhook_not_found' });
    expect(harness.staticData()).toEqual({});
    expect(await harness.deactivate()).toBe(true);
    expect(await endpointOf()).toEqual([]);
  });
});
