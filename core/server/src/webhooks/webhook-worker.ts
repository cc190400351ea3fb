import type { Store } from '../store/store-port';
import { createWakeableSleep } from '../workers/wakeable-sleep';
import type { WebhookDeliveryJob, WebhookDeliveryResult } from '../store/events-port';

/** One POST of a signed event to an endpoint, and what came of it. */
export interface WebhookTransport {
  send(
    target: { url: string; secret: string },
    message: { id: string; body: string },
    now: Date,
  ): Promise<{ outcome: 'delivered' | 'retry' | 'gone'; status: number | null; error: string | null }>;
}

export interface WebhookWorkerOptions {
  store: Store;
  transport: WebhookTransport;
  /** The wait before the next attempt after `attemptsMade` failed ones; null: give up. */
  retryDelayMs(attemptsMade: number): number | null;
  /** Deliveries in flight at once, all endpoints together. Default: four endpoints' worth. */
  maxInFlight?: number;
  /**
   * Deliveries in flight at once to one endpoint. Default 32: each waits a round trip to its
   * receiver, and 8 held one endpoint to about 900 a second on loopback (`npm run bench:events`).
   */
  maxInFlightPerEndpoint?: number;
  /** Longer than a whole attempt (10 s): a crash hands the delivery to the next claim after it. Default 60 000. */
  leaseMs?: number;
  pollIntervalMs?: number;
  /** Ended deliveries and attempts are kept this long (GET /api/webhooks/<id>/deliveries). Default 7 days. */
  keepFinishedMs?: number;
  /** Events are kept this long (GET /api/events); never one a delivery still waits for. */
  keepEventsMs: number;
  clock?: () => Date;
  log?: (event: WebhookLogEvent) => void;
}

export type WebhookLogEvent =
  | { event: 'webhook.delivered'; endpointId: string; eventId: string; attempts: number }
  | { event: 'webhook.retry'; endpointId: string; eventId: string; attempts: number; reason: string; delayMs: number }
  | { event: 'webhook.disabled'; endpointId: string; eventId: string; reason: string }
  | { event: 'webhook.worker_error'; errorName: string };

export const WEBHOOK_EVENT_LEVEL: Record<WebhookLogEvent['event'], 'debug' | 'warn' | 'error'> = {
  'webhook.delivered': 'debug',
  'webhook.retry': 'warn',
  'webhook.disabled': 'error',
  'webhook.worker_error': 'error',
};

const HOUR_MS = 60 * 60_000;
/** Endpoints that can be at their own limit at once before another waits for a slot. */
const ENDPOINTS_AT_THEIR_LIMIT = 4;

/**
 * Drains the webhook outbox: claims due deliveries with a lease, POSTs each (signed) to its
 * endpoint, and records every attempt. Deliveries run side by side, so one slow endpoint never
 * holds up the others' (it only fills its own few slots). At least once: a crash before an
 * attempt is recorded means the delivery is claimed and sent again once its lease runs out, with
 * the same webhook-id.
 */
export function createWebhookWorker(options: WebhookWorkerOptions) {
  const { store, transport } = options;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  const perEndpoint = options.maxInFlightPerEndpoint ?? 32;
  const maxInFlight = options.maxInFlight ?? ENDPOINTS_AT_THEIR_LIMIT * perEndpoint;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const keepFinishedMs = options.keepFinishedMs ?? 7 * 24 * HOUR_MS;
  const inFlight = new Set<Promise<void>>();
  const endpointSlots = createSlots(perEndpoint);
  // Attempts are recorded in batches (one transaction, one fsync): until then their rows stay leased,
  // so a crash before the write only means they are sent again, with the same webhook-id.
  const recorder = createBatchRecorder(store, (error) => log({ event: 'webhook.worker_error', errorName: error.name }));
  let running = false;
  let loop: Promise<void> | undefined;
  const { sleep, wake: wakeUp } = createWakeableSleep();
  let wakeRequested = false;
  let lastPruneAt = 0;

  async function claimAndStart(): Promise<number> {
    // Claims come in batches (one transaction each): only once half the slots are free.
    if (inFlight.size > maxInFlight / 2) return 0;
    const now = clock();
    const jobs = await store.claimWebhookDeliveries({
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      limit: maxInFlight - inFlight.size,
    });
    for (const job of jobs) {
      const running = endpointSlots
        .run(job.endpointId, () => deliver(job))
        .catch((error: unknown) => {
          log({ event: 'webhook.worker_error', errorName: (error as Error)?.name ?? 'Error' });
        });
      inFlight.add(running);
      void running.finally(() => {
        inFlight.delete(running);
        if (inFlight.size <= maxInFlight / 2) wake();
      });
    }
    return jobs.length;
  }

  async function deliver(job: WebhookDeliveryJob): Promise<void> {
    const body = JSON.stringify({ type: job.event.type, timestamp: job.event.createdAt, data: job.event.data });
    let sent: Awaited<ReturnType<WebhookTransport['send']>>;
    try {
      sent = await transport.send({ url: job.url, secret: job.secret }, { id: job.event.id, body }, clock());
    } catch (error) {
      // A fault of ours (a secret that can't be read): the attempt counts, and the log says why.
      log({ event: 'webhook.worker_error', errorName: (error as Error)?.name ?? 'Error' });
      sent = { outcome: 'retry', status: null, error: 'not sent: a fault on the server (see its log)' };
    }
    recorder.add(resultOf(job, sent, clock()));
  }

  function resultOf(job: WebhookDeliveryJob, sent: Awaited<ReturnType<WebhookTransport['send']>>, at: Date): WebhookDeliveryResult {
    const base = { job, at: at.toISOString(), status: sent.status, error: sent.error };
    const ids = { endpointId: job.endpointId, eventId: job.event.id };
    if (sent.outcome === 'delivered') {
      log({ event: 'webhook.delivered', ...ids, attempts: job.attempts });
      return { ...base, outcome: 'delivered' };
    }
    if (sent.outcome === 'gone') {
      const reason = `The endpoint answered 410 Gone at ${base.at}, so deliveries stopped. Create the webhook again to resume.`;
      log({ event: 'webhook.disabled', ...ids, reason });
      return { ...base, outcome: 'failed', disableEndpoint: reason };
    }
    const delayMs = options.retryDelayMs(job.attempts);
    if (delayMs === null) {
      const reason =
        `Delivering ${job.event.id} failed ${job.attempts} times since ${job.event.createdAt} (last: ${sent.error ?? 'no answer'}), ` +
        'so deliveries stopped. Create the webhook again to resume.';
      log({ event: 'webhook.disabled', ...ids, reason });
      return { ...base, outcome: 'failed', disableEndpoint: reason };
    }
    log({ event: 'webhook.retry', ...ids, attempts: job.attempts, reason: sent.error ?? 'no answer', delayMs });
    return { ...base, outcome: 'retrying', retryAt: new Date(at.getTime() + delayMs).toISOString() };
  }

  async function pruneHourly(): Promise<void> {
    const now = clock().getTime();
    if (now - lastPruneAt < HOUR_MS) return;
    lastPruneAt = now;
    await store.pruneWebhookDeliveries(new Date(now - keepFinishedMs).toISOString()).catch(() => undefined);
    await store.pruneEvents(new Date(now - options.keepEventsMs).toISOString()).catch(() => undefined);
  }

  function wake(): void {
    wakeRequested = true;
    wakeUp();
  }

  async function run(): Promise<void> {
    while (running) {
      wakeRequested = false;
      let claimed = 0;
      try {
        claimed = await claimAndStart();
      } catch (error) {
        log({ event: 'webhook.worker_error', errorName: (error as Error)?.name ?? 'Error' });
      }
      await pruneHourly();
      if (running && claimed === 0 && !wakeRequested) await sleep(pollIntervalMs);
    }
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = run();
    },
    /** Events were written here: look now rather than at the next poll. */
    wake,
    /** Stops claiming, and waits for the deliveries in flight to be recorded. */
    async stop(): Promise<void> {
      running = false;
      wakeUp();
      await loop;
      await Promise.all([...inFlight]);
      await recorder.flush();
    },
  };
}

export type WebhookWorker = ReturnType<typeof createWebhookWorker>;

const RECORD_BATCH = 200;
const RECORD_DELAY_MS = 20;

/** Collects attempt results and writes them together: at RECORD_BATCH of them, or RECORD_DELAY_MS after the first. */
function createBatchRecorder(store: Store, failed: (error: Error) => void) {
  let waiting: WebhookDeliveryResult[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = waiting;
    waiting = [];
    if (batch.length > 0) {
      writing = writing.then(() => store.finishWebhookDeliveries(batch)).catch((error: unknown) => failed(error as Error));
    }
    return writing;
  }

  return {
    add(result: WebhookDeliveryResult): void {
      waiting.push(result);
      if (waiting.length >= RECORD_BATCH) void flush();
      else timer ??= setTimeout(() => void flush(), RECORD_DELAY_MS);
    },
    flush,
  };
}

/** At most `limit` tasks at once per key; the rest wait their turn in order. */
function createSlots(limit: number) {
  const busy = new Map<string, { running: number; waiting: (() => void)[] }>();
  return {
    async run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const slot = busy.get(key) ?? { running: 0, waiting: [] };
      busy.set(key, slot);
      // A finishing task hands its slot straight to the next in line, so none can slip in between.
      if (slot.running >= limit) await new Promise<void>((resolve) => slot.waiting.push(resolve));
      else slot.running += 1;
      try {
        return await task();
      } finally {
        const next = slot.waiting.shift();
        if (next) next();
        else if (--slot.running === 0) busy.delete(key);
      }
    },
  };
}
