import { GOOGLE_SYNC_TOPIC, type PushJob, type PushOutcome, type Store } from '../store/store-port';
import { createWakeableSleep } from '../workers/wakeable-sleep';
import type { PushRequest, PushResult } from '../apns/apns-client';
import { deviceIdOf } from '../events/device-id';
import { activityOf, NO_ACTIVITY, type ActivityRecorder } from '../timeline/activity-entries';
import { retryDelayMs } from './backoff';
import { createIdentityHealth, isIdentityFailure, type IdentityFailure } from './identity-health';
import { createPushFlight } from './push-flight';

/** Sends one push for a tenant's pass type: the APNs client of the identity that signs its passes. */
export interface PushSender {
  send(request: PushRequest): Promise<PushResult>;
}

export interface PushWorkerOptions {
  store: Store;
  /** The sender for a tenant (its own certificate, or the instance's), and a key naming that identity. */
  senderFor(tenantId: string): Promise<{ key: string; sender: PushSender }>;
  pushType: 'background' | 'alert';
  priority: 5 | 10;
  maxAttempts: number;
  /** Pushes claimed at once; default 1000 (the server picks by store: see start-server.ts). */
  batchSize?: number;
  /**
   * How many batches' worth of pushes may be in flight at once; default 1. With 2, the next batch
   * is claimed as soon as a batch's worth has been answered, while the rest are still on the connection.
   */
  batchesInFlight?: number;
  leaseMs?: number;
  pollIntervalMs?: number;
  /** How long an identity APNs answered 403 for is left alone. */
  pauseMs?: number;
  /** Syncs a pass to Google Wallet (outbox entries with the Google topic); absent when Google is not configured. */
  googleSync?: (job: PushJob) => Promise<PushResult>;
  /** Finished pushes are kept this long (for GET /api/passes/<serial>), then pruned. */
  keepFinishedMs?: number;
  /** Testing aid: the worker starts this much later, so a test can stop the server with pushes still queued. */
  startDelayMs?: number;
  clock?: () => Date;
  random?: () => number;
  log?: (event: PushEvent) => void;
  /** Where each attempt is noted for the pass's timeline. */
  activity?: ActivityRecorder;
}

export type PushEvent =
  | { event: 'push.delivered'; serialNumber: string; attempts: number }
  | { event: 'push.retry'; serialNumber: string; attempts: number; reason: string; delayMs: number }
  | { event: 'push.dead'; serialNumber: string; attempts: number; reason: string }
  | { event: 'push.unregistered'; serialNumber: string; removed: number; reason: string }
  | { event: 'push.identity_paused'; identity: string; reason: string; until: string }
  | { event: 'push.worker_error'; errorName: string };

/**
 * How loud each event is: a retry is worth a look, a push given up or an identity refused needs
 * one; a delivery at fan-out would swamp the log.
 */
export const PUSH_EVENT_LEVEL: Record<PushEvent['event'], 'debug' | 'info' | 'warn' | 'error'> = {
  'push.delivered': 'debug',
  'push.unregistered': 'info',
  'push.retry': 'warn',
  'push.dead': 'error',
  'push.identity_paused': 'error',
  'push.worker_error': 'error',
};

export interface IdentityPause {
  identity: string;
  reason: string;
  until: string;
}

const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** Reasons that mean the token itself is no good: its registrations go. */
const DEAD_TOKEN_REASONS = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic']);

/**
 * Drains the push outbox: claims due pushes with a lease, sends them (one multiplexed HTTP/2
 * connection per identity carries a whole batch at once), and records each outcome in the
 * transaction that claims the next batch. Transient
 * failures (429, 5xx, timeouts, broken connections) come back with exponential backoff and
 * jitter until `maxAttempts`; dead tokens lose their registrations; a 403 pauses the identity.
 * A crash loses nothing: unsent pushes are still pending, and leased ones are claimed again once
 * their lease runs out.
 */
export function createPushWorker(options: PushWorkerOptions) {
  const { store } = options;
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const batchSize = options.batchSize ?? 1000;
  const batchesInFlight = options.batchesInFlight ?? 1;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const pauseMs = options.pauseMs ?? 5 * 60_000;
  const log = options.log ?? (() => undefined);
  const activity = options.activity ?? NO_ACTIVITY;
  const keepFinishedMs = options.keepFinishedMs ?? 7 * 24 * 60 * 60_000;
  let lastPruneAt = 0;
  const paused = new Map<string, IdentityPause>();
  const health = createIdentityHealth();
  let running = false;
  let delaying = false;
  /** Counts wakes and ended Google syncs: one while pushes were in flight means look again at once, not sleep. */
  let wakes = 0;
  const { sleep, wake: wakeUp } = createWakeableSleep();
  const flight = createPushFlight();
  let loop: Promise<void> | undefined;

  /** Claims a batch, recording `finished` (the previous batch's outcomes) in the same transaction. */
  async function claim(finished: PushOutcome[]): Promise<PushJob[]> {
    const now = clock();
    return store.claimPushes({
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      limit: batchSize,
      finished,
    });
  }

  /** Claims, sends and records one batch; how many pushes it claimed. */
  async function runOnce(): Promise<number> {
    const jobs = await claim([]);
    const finished: PushOutcome[] = [];
    await send(jobs, (outcomes) => finished.push(...outcomes));
    await store.finishPushes(finished);
    return jobs.length;
  }

  /**
   * Sends a claimed batch. Each push, once answered, hands `ended` the outcome to record if it
   * ended (a retry is recorded at once), or nothing; a push that failed on our side hands nothing
   * (its lease brings it back) and the batch's first such failure is logged.
   */
  async function send(jobs: PushJob[], ended: (outcomes: PushOutcome[]) => void): Promise<void> {
    // One sender lookup per tenant per batch, not per push (a fan-out is thousands of one tenant's).
    const senders = new Map<string, ReturnType<PushWorkerOptions['senderFor']>>();
    const senderFor = (tenantId: string) => {
      let sender = senders.get(tenantId);
      if (!sender) senders.set(tenantId, (sender = options.senderFor(tenantId)));
      return sender;
    };
    let failed = false;
    const failure = (error: unknown) => {
      ended([]);
      if (failed) return;
      failed = true;
      logWorkerError(error);
    };
    const devices = await devicesOf(jobs);
    await Promise.all(jobs.map((job) => deliver(job, senderFor, devices).then(ended, failure)));
  }

  /**
   * The device library identifiers behind the batch's push tokens: one indexed query per batch
   * (before a dead token's registrations go), so a timeline entry can name the device, never the token.
   */
  async function devicesOf(jobs: PushJob[]): Promise<Map<string, string>> {
    if (activity === NO_ACTIVITY) return new Map();
    const tokens = jobs.filter((job) => job.passTypeIdentifier !== GOOGLE_SYNC_TOPIC).map((job) => job.pushToken);
    return store.findDevicesByPushToken(tokens).catch(() => new Map<string, string>());
  }

  function noteAttempt(job: PushJob, result: PushResult, devices: Map<string, string>, sentAt: Date): void {
    const device = devices.get(job.pushToken);
    activity.record(
      activityOf(
        'push',
        job,
        {
          deviceId: device === undefined ? null : deviceIdOf(device),
          status: result.status,
          // Every push is sent with the outbox row's id as its apns-id; APNs echoes it back.
          apnsId: (result.ok ? result.apnsId : null) ?? job.id,
          reason: result.ok ? null : result.reason,
          attempt: job.attempts,
        },
        sentAt,
      ),
    );
  }

  /** Sends one push; returns its outcome when it ended (retries are recorded at once). */
  async function deliver(job: PushJob, senderFor: PushWorkerOptions['senderFor'], devices: Map<string, string>): Promise<PushOutcome[]> {
    if (job.passTypeIdentifier === GOOGLE_SYNC_TOPIC) return deliverToGoogle(job);
    const { key, sender } = await senderFor(job.tenantId);
    const pause = activePause(key);
    if (pause) {
      await store.retryPush(job.id, { availableAt: pause.until, detail: `identity paused: ${pause.reason}` });
      return [];
    }
    // Dated when sent, not when the answer reaches this thread: APNs's answer comes back through
    // the APNs thread, and the device may have fetched the pass by then.
    const sentAt = clock();
    const result = await sender.send({
      pushToken: job.pushToken,
      topic: job.passTypeIdentifier,
      pushType: options.pushType,
      priority: options.priority,
      apnsId: job.id,
    });
    noteAttempt(job, result, devices, sentAt);
    const outcome = await record(job, key, result);
    return outcome ? [outcome] : [];
  }

  async function deliverToGoogle(job: PushJob): Promise<PushOutcome[]> {
    const pause = activePause(GOOGLE_SYNC_TOPIC);
    if (!options.googleSync || pause) {
      const until = pause?.until ?? new Date(clock().getTime() + pauseMs).toISOString();
      await store.retryPush(job.id, {
        availableAt: until,
        detail: pause ? `Google paused: ${pause.reason}` : 'Google Wallet is not configured',
      });
      return [];
    }
    const outcome = await record(job, GOOGLE_SYNC_TOPIC, await options.googleSync(job));
    // The next sync of this pass was held back while this one ran (see the claim): look again at once.
    wakes += 1;
    return outcome ? [outcome] : [];
  }

  async function record(job: PushJob, identity: string, result: PushResult): Promise<PushOutcome | undefined> {
    const at = clock();
    if (result.ok) {
      health.delivered(identity);
      log({ event: 'push.delivered', serialNumber: job.serialNumber, attempts: job.attempts });
      return { id: job.id, state: 'delivered', at: at.toISOString(), detail: null };
    }
    const reason = `${result.status} ${result.reason}${result.detail ? ` (${result.detail.slice(0, 200)})` : ''}`;
    if (isIdentityFailure(result)) health.failed(identity, reason, at.toISOString());
    if (result.status === 410 || DEAD_TOKEN_REASONS.has(result.reason)) {
      // After a 410, a device that registered again since APNs saw the token die keeps its
      // registration; a malformed token is never good, whenever it was registered.
      const registeredBefore = result.status === 410 && result.timestamp ? new Date(result.timestamp).toISOString() : END_OF_TIME;
      const removed = await store.removeRegistrations(job.pushToken, job.passTypeIdentifier, registeredBefore);
      log({ event: 'push.unregistered', serialNumber: job.serialNumber, removed, reason });
      return { id: job.id, state: 'dead', at: at.toISOString(), detail: reason };
    }
    if (result.status === 403) {
      const until = new Date(at.getTime() + pauseMs).toISOString();
      paused.set(identity, { identity, reason: result.reason, until });
      await store.retryPush(job.id, { availableAt: until, detail: reason, attemptedAt: at.toISOString() });
      log({ event: 'push.identity_paused', identity, reason: result.reason, until });
      return undefined;
    }
    if (isTransient(result.status) && job.attempts < options.maxAttempts) {
      const delayMs = retryDelayMs(job.attempts, random);
      await store.retryPush(job.id, {
        availableAt: new Date(at.getTime() + delayMs).toISOString(),
        detail: reason,
        attemptedAt: at.toISOString(),
      });
      log({ event: 'push.retry', serialNumber: job.serialNumber, attempts: job.attempts, reason, delayMs });
      return undefined;
    }
    log({ event: 'push.dead', serialNumber: job.serialNumber, attempts: job.attempts, reason });
    return { id: job.id, state: 'dead', at: at.toISOString(), detail: reason, givenUp: true };
  }

  async function pruneHourly(): Promise<void> {
    const now = clock().getTime();
    if (now - lastPruneAt < 60 * 60_000) return;
    lastPruneAt = now;
    await store.prunePushes(new Date(now - keepFinishedMs).toISOString()).catch(() => undefined);
  }

  function activePause(identity: string): IdentityPause | undefined {
    const pause = paused.get(identity);
    if (pause && Date.parse(pause.until) <= clock().getTime()) paused.delete(identity);
    return paused.get(identity);
  }

  async function run(): Promise<void> {
    if (options.startDelayMs) {
      delaying = true;
      await sleep(options.startDelayMs);
      delaying = false;
    }
    await pump();
  }

  /**
   * Keeps up to `batchesInFlight` batches of pushes in flight: claims a batch (recording in the
   * same transaction, one commit, the outcomes answered since the last claim), sends it, and claims
   * the next as soon as a batch's worth has been answered, so the connection never waits for a
   * claim. A crash before a claim's commit only means pushes whose outcomes it would have recorded
   * are sent again once their lease runs out: never more than the batches in flight.
   */
  async function pump(): Promise<void> {
    const capacity = batchSize * batchesInFlight;
    while (running) {
      const seen = wakes;
      // Back to the event loop between batches: requests waiting on this process go first.
      await yieldToEventLoop();
      const jobs = await claimRecording();
      if (jobs.length > 0) launch(jobs);
      await pruneHourly();
      if (jobs.length === batchSize) {
        // A full batch means more may be waiting: claim again once there is room for a batch.
        await flight.until(() => !running || flight.size <= capacity - batchSize);
        continue;
      }
      // The outbox is empty for now: let the pushes in flight end, unless a wake brings more.
      await flight.until(() => !running || flight.size === 0 || (wakes !== seen && flight.size <= capacity - batchSize));
      if (running && wakes === seen) {
        await recordAlone();
        await sleep(pollIntervalMs);
      }
    }
    await flight.until(() => flight.size === 0);
    await recordAlone();
  }

  /** Claims a batch, recording the outcomes answered so far in the same transaction. */
  function claimRecording(): Promise<PushJob[]> {
    return withOutcomes((finished) => claim(finished), []);
  }

  function launch(jobs: PushJob[]): void {
    flight.started(jobs.length);
    void send(jobs, (outcomes) => flight.ended(outcomes));
  }

  /** Records the outcomes answered so far in a transaction of their own (before sleeping or stopping). */
  function recordAlone(): Promise<void> {
    return withOutcomes((finished) => store.finishPushes(finished), undefined);
  }

  /** Hands the outcomes answered so far to `write`; when it fails, they wait for the next write and the failure is logged. */
  async function withOutcomes<T>(write: (finished: PushOutcome[]) => Promise<T>, onFailure: T): Promise<T> {
    const finished = flight.take();
    try {
      return await write(finished);
    } catch (error) {
      flight.putBack(finished);
      logWorkerError(error);
      return onFailure;
    }
  }

  function logWorkerError(error: unknown): void {
    log({ event: 'push.worker_error', errorName: (error as Error)?.name ?? 'Error' });
  }

  return {
    start(): void {
      if (running) return;
      running = true;
      loop = run();
    },
    /** New pushes were queued: look now rather than at the next poll. */
    wake(): void {
      if (delaying) return;
      wakes += 1;
      wakeUp();
      flight.notify();
    },
    /** Stops after the batch in flight is recorded. */
    async stop(): Promise<void> {
      running = false;
      delaying = false;
      wakeUp();
      flight.notify();
      await loop;
    },
    /** Identities (and Google) whose latest attempt failed, until they next deliver; for /healthz. */
    failingIdentities(): IdentityFailure[] {
      return health.failing();
    },
    /** Identities APNs refused (403), for /healthz. */
    pausedIdentities(): IdentityPause[] {
      return [...paused.keys()].map((key) => activePause(key)).filter((pause): pause is IdentityPause => pause !== undefined);
    },
    runOnce,
  };
}

export type PushWorker = ReturnType<typeof createPushWorker>;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** 429 (too many requests for this token), 5xx, and 0: a timeout or a broken connection. */
function isTransient(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}
