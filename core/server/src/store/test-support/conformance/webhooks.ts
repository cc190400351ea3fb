import { randomUUID } from 'node:crypto';
import type { EventType } from '../../../events/event-types';
import type { NewWebhookEndpoint, WebhookDeliveryJob } from '../../events-port';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, END_OF_TIME } from './fixtures';

/** Webhook endpoints and their durable delivery outbox. */
export function describeWebhookConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, changed } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  const endpointOf = (tenantId: string, events: EventType[], overrides: Partial<NewWebhookEndpoint> = {}): NewWebhookEndpoint => ({
    id: `whk_${randomUUID()}`,
    tenantId,
    url: `https://hooks.example.com/${randomUUID()}`,
    secret: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    events,
    description: 'orders',
    createdAt: at(0),
    ...overrides,
  });
  const created = async (endpoint: NewWebhookEndpoint) => {
    const record = await store.createWebhookEndpoint(endpoint, 100);
    if (!record) throw new Error('endpoint limit reached');
    return record;
  };
  /** Claims everything due at `now` and keeps this endpoint's jobs (other tests' rows stay leased to nobody). */
  const claimFor = async (endpointId: string, now: number): Promise<WebhookDeliveryJob[]> => {
    const jobs = await store.claimWebhookDeliveries({ now: at(now), leaseUntil: at(now + 60), limit: 1000 });
    return jobs.filter((job) => job.endpointId === endpointId);
  };
  const drain = () => store.claimWebhookDeliveries({ now: END_OF_TIME, leaseUntil: END_OF_TIME, limit: 10_000 });

  describe('webhook endpoints', () => {
    it('creates an endpoint, lists it, finds it by id, and never returns the secret', async () => {
      const owner = await tenant();
      const endpoint = endpointOf(owner.id, ['pass.updated', 'pass.installed', 'pass.updated']);
      const record = await created(endpoint);
      expect(record).toEqual({
        id: endpoint.id,
        tenantId: owner.id,
        url: endpoint.url,
        events: ['pass.installed', 'pass.updated'],
        description: 'orders',
        enabled: true,
        disabledReason: null,
        disabledAt: null,
        createdAt: at(0),
      });
      expect(await store.listWebhookEndpoints(owner.id)).toEqual([record]);
      expect(await store.findWebhookEndpoint(owner.id, endpoint.id)).toEqual(record);
      expect(JSON.stringify(await store.listWebhookEndpoints(owner.id))).not.toContain(endpoint.secret);
    });

    it("keeps each tenant's endpoints apart", async () => {
      const owner = await tenant();
      const stranger = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      expect(await store.findWebhookEndpoint(stranger.id, endpoint.id)).toBeNull();
      expect(await store.listWebhookEndpoints(stranger.id)).toEqual([]);
      expect(await store.deleteWebhookEndpoint(stranger.id, endpoint.id)).toBe(false);
      expect(await store.listWebhookAttempts(stranger.id, endpoint.id, 10)).toEqual([]);
      expect(await store.deleteWebhookEndpoint(owner.id, endpoint.id)).toBe(true);
      expect(await store.findWebhookEndpoint(owner.id, endpoint.id)).toBeNull();
    });

    it('refuses an endpoint past the per-tenant limit', async () => {
      const owner = await tenant();
      expect(await store.createWebhookEndpoint(endpointOf(owner.id, ['pass.created']), 2)).not.toBeNull();
      expect(await store.createWebhookEndpoint(endpointOf(owner.id, ['pass.created']), 2)).not.toBeNull();
      expect(await store.createWebhookEndpoint(endpointOf(owner.id, ['pass.created']), 2)).toBeNull();
      expect(await store.listWebhookEndpoints(owner.id)).toHaveLength(2);
    });

    it('keeps the signing secret sealed at rest', async () => {
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      const cells = await store.listSecretCells();
      const cell = cells.find((each) => each.column.table === 'webhook_endpoints' && each.rowKey === endpoint.id);
      expect(cell?.value).toMatch(/^pmsec/);
    });
  });

  describe('webhook deliveries', () => {
    it('queues one delivery per subscribed endpoint with the event, and hands out the secret to deliver it', async () => {
      await drain();
      const owner = await tenant();
      const updates = endpointOf(owner.id, ['pass.updated']);
      await created(updates);
      const creations = await created(endpointOf(owner.id, ['pass.created']));
      await created(endpointOf((await tenant()).id, ['pass.updated', 'pass.created']));
      const pass = await insertedPass(owner.id);
      await changed(pass);
      const jobs = await claimFor(updates.id, 200);
      expect(jobs).toEqual([
        {
          id: expect.any(String),
          endpointId: updates.id,
          url: updates.url,
          secret: updates.secret,
          event: expect.objectContaining({
            type: 'pass.updated',
            tenantId: owner.id,
            data: { serialNumber: pass.serialNumber, version: 2 },
          }),
          attempts: 1,
        },
      ]);
      expect((await claimFor(creations.id, 200)).map((job) => job.event.type)).toEqual([]);
    });

    it('leases a delivery to one claimer, and hands it out again once the lease runs out', async () => {
      await drain();
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      const [first] = await claimFor(endpoint.id, 200);
      expect(first?.attempts).toBe(1);
      expect(await claimFor(endpoint.id, 210)).toEqual([]);
      const again = await claimFor(endpoint.id, 261);
      expect(again.map((job) => [job.id, job.attempts])).toEqual([[first?.id, 2]]);
    });

    it('records attempts: a retry comes back when due, a delivery ends, newest attempt first', async () => {
      await drain();
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      const [job] = await claimFor(endpoint.id, 200);
      await store.finishWebhookDeliveries([
        { job: job!, at: at(201), status: 500, error: 'HTTP 500', outcome: 'retrying', retryAt: at(206) },
      ]);
      expect(await claimFor(endpoint.id, 205)).toEqual([]);
      const [retry] = await claimFor(endpoint.id, 206);
      expect(retry?.attempts).toBe(2);
      await store.finishWebhookDeliveries([{ job: retry!, at: at(207), status: 204, error: null, outcome: 'delivered' }]);
      expect(await claimFor(endpoint.id, 10_000)).toEqual([]);
      expect(await store.listWebhookAttempts(owner.id, endpoint.id, 10)).toEqual([
        { eventId: job!.event.id, type: 'pass.created', attempt: 2, status: 204, attemptedAt: at(207), error: null, outcome: 'delivered' },
        {
          eventId: job!.event.id,
          type: 'pass.created',
          attempt: 1,
          status: 500,
          attemptedAt: at(201),
          error: 'HTTP 500',
          outcome: 'retrying',
        },
      ]);
    });

    it('disables an endpoint with its reason, ends its waiting deliveries, and queues none for it after', async () => {
      await drain();
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      await insertedPass(owner.id, { createdAt: at(101) });
      const [job] = (await claimFor(endpoint.id, 200)).slice(0, 1);
      await store.finishWebhookDeliveries([
        {
          job: job!,
          at: at(201),
          status: 410,
          error: 'HTTP 410',
          outcome: 'failed',
          disableEndpoint: 'The endpoint answered 410 Gone.',
        },
      ]);
      expect(await store.findWebhookEndpoint(owner.id, endpoint.id)).toMatchObject({
        enabled: false,
        disabledReason: 'The endpoint answered 410 Gone.',
        disabledAt: at(201),
      });
      await insertedPass(owner.id, { createdAt: at(300) });
      expect(await claimFor(endpoint.id, 100_000)).toEqual([]);
    });

    it('takes the waiting deliveries away with a deleted endpoint', async () => {
      await drain();
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      await store.deleteWebhookEndpoint(owner.id, endpoint.id);
      expect(await claimFor(endpoint.id, 200)).toEqual([]);
    });

    it('records a batch whose endpoint was deleted while one of its deliveries was in flight', async () => {
      await drain();
      const owner = await tenant();
      const kept = await created(endpointOf(owner.id, ['pass.created']));
      const gone = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      const claimed = await store.claimWebhookDeliveries({ now: at(200), leaseUntil: at(260), limit: 1000 });
      const keptJob = claimed.find((job) => job.endpointId === kept.id);
      const goneJob = claimed.find((job) => job.endpointId === gone.id);
      await store.deleteWebhookEndpoint(owner.id, gone.id);
      await store.finishWebhookDeliveries([
        { job: goneJob!, at: at(201), status: 204, error: null, outcome: 'delivered' },
        { job: keptJob!, at: at(201), status: 204, error: null, outcome: 'delivered' },
      ]);
      expect((await store.listWebhookAttempts(owner.id, kept.id, 10)).map((attempt) => attempt.outcome)).toEqual(['delivered']);
      expect(await claimFor(kept.id, 10_000)).toEqual([]);
    });

    it('prunes ended deliveries and attempts, not waiting ones', async () => {
      await drain();
      const owner = await tenant();
      const endpoint = await created(endpointOf(owner.id, ['pass.created']));
      await insertedPass(owner.id, { createdAt: at(100) });
      const [job] = await claimFor(endpoint.id, 200);
      await store.finishWebhookDeliveries([{ job: job!, at: at(201), status: 200, error: null, outcome: 'delivered' }]);
      await insertedPass(owner.id, { createdAt: at(150) });
      expect(await store.pruneWebhookDeliveries(at(300))).toBeGreaterThanOrEqual(1);
      expect(await store.listWebhookAttempts(owner.id, endpoint.id, 10)).toEqual([]);
      expect((await claimFor(endpoint.id, 400)).map((each) => each.event.createdAt)).toEqual([at(150)]);
    });
  });
}
