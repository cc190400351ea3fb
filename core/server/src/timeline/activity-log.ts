import type { ActivityEntry } from '../store/activity-port';
import type { Store } from '../store/store-port';
import type { ActivityRecorder } from './activity-entries';

export interface ActivityLogOptions {
  store: Pick<Store, 'recordActivity' | 'pruneActivity'>;
  /** Entries older than this many days are pruned. */
  retentionDays: number;
  /** How long an entry may wait in memory before its batch is written; default 250 ms. */
  flushIntervalMs?: number;
  /** Entries written per transaction; a full batch is written at once. Default 500. */
  batchSize?: number;
  /** Entries held in memory at most; past it new ones are dropped (and counted). Default 20,000. */
  maxBuffered?: number;
  /** How often old entries are pruned; default hourly. */
  pruneIntervalMs?: number;
  clock?: () => Date;
  log?: (event: ActivityLogEvent) => void;
}

export type ActivityLogEvent =
  | { event: 'timeline.dropped'; dropped: number; reason: 'buffer_full' | 'write_failed' | 'closed' }
  | { event: 'timeline.pruned'; removed: number }
  | { event: 'timeline.prune_failed'; errorName: string };

export interface ActivityLogStats {
  buffered: number;
  written: number;
  dropped: number;
}

export interface ActivityLog extends ActivityRecorder {
  /** Starts the periodic pruning. */
  start(): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Forgets entries past the retention; how many went. */
  prune(): Promise<number>;
  /** Stops pruning, writes what is buffered; entries recorded afterwards are dropped. */
  close(): Promise<void>;
  stats(): ActivityLogStats;
}

/**
 * The pass activity log's writer. `record` only appends to an in-memory buffer: a pass fetch or
 * a push fan-out to 10,000 devices never waits on the database for its diagnostics. Batches are
 * written one at a time, each in one transaction, every `flushIntervalMs` or as soon as a batch
 * is full. When the database falls behind, the buffer is bounded: entries past it are dropped and
 * counted, never queued without limit. A crash loses what was not written yet (at most the last
 * fraction of a second): acceptable for a diagnostic log, unlike events, which are written with
 * the change they tell of.
 */
export function createActivityLog(options: ActivityLogOptions): ActivityLog {
  const { store } = options;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 500;
  const maxBuffered = options.maxBuffered ?? 20_000;
  const pruneIntervalMs = options.pruneIntervalMs ?? 60 * 60_000;
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  let buffer: ActivityEntry[] = [];
  let writing: Promise<void> | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  let pruneTimer: NodeJS.Timeout | null = null;
  let closed = false;
  const counts = { written: 0, dropped: 0 };
  const unreported = { buffer_full: 0, closed: 0 };

  function drop(reason: 'buffer_full' | 'closed'): void {
    counts.dropped += 1;
    unreported[reason] += 1;
  }

  function reportDrops(): void {
    for (const reason of ['buffer_full', 'closed'] as const) {
      if (unreported[reason] > 0) log({ event: 'timeline.dropped', dropped: unreported[reason], reason });
      unreported[reason] = 0;
    }
  }

  /** One writer at a time: batches leave in the order they were recorded. */
  function writeBuffered(): Promise<void> {
    writing ??= (async () => {
      try {
        while (buffer.length > 0) {
          const batch = buffer.slice(0, batchSize);
          buffer = buffer.slice(batch.length);
          try {
            await store.recordActivity(batch);
            counts.written += batch.length;
          } catch {
            // The database is away: retrying would only grow the buffer behind it.
            counts.dropped += batch.length;
            log({ event: 'timeline.dropped', dropped: batch.length, reason: 'write_failed' });
          }
        }
        reportDrops();
      } finally {
        writing = null;
      }
    })();
    return writing;
  }

  function scheduleFlush(): void {
    if (buffer.length >= batchSize) {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = null;
      void writeBuffered();
      return;
    }
    if (flushTimer) return;
    flushTimer = setTimeout(() => {
      flushTimer = null;
      void writeBuffered();
    }, flushIntervalMs);
    flushTimer.unref();
  }

  async function flush(): Promise<void> {
    if (writing) await writing;
    await writeBuffered();
  }

  let pruning: Promise<number> | null = null;
  function pruneOnce(): Promise<number> {
    pruning ??= prune().finally(() => (pruning = null));
    return pruning;
  }

  async function prune(): Promise<number> {
    const olderThan = new Date(clock().getTime() - options.retentionDays * 24 * 60 * 60_000).toISOString();
    try {
      const removed = await store.pruneActivity(olderThan);
      if (removed > 0) log({ event: 'timeline.pruned', removed });
      return removed;
    } catch (error) {
      log({ event: 'timeline.prune_failed', errorName: (error as Error)?.name ?? 'Error' });
      return 0;
    }
  }

  return {
    record(entry) {
      if (closed) return drop('closed');
      if (buffer.length >= maxBuffered) return drop('buffer_full');
      insertByTime(buffer, entry);
      scheduleFlush();
    },
    start() {
      if (pruneTimer || closed) return;
      // Once now as well: a server restarted more often than hourly would otherwise never prune.
      void pruneOnce();
      pruneTimer = setInterval(() => void pruneOnce(), pruneIntervalMs);
      pruneTimer.unref();
    },
    flush,
    prune: pruneOnce,
    async close() {
      closed = true;
      if (pruneTimer) clearInterval(pruneTimer);
      if (flushTimer) clearTimeout(flushTimer);
      pruneTimer = flushTimer = null;
      await pruning;
      await flush();
      reportDrops();
    },
    stats() {
      return { buffered: buffer.length, ...counts };
    },
  };
}

/**
 * Keeps the buffer in the order things happened, so the ids the store gives follow it: a push is
 * dated when it was sent but recorded when APNs's answer reaches this thread, and the device may
 * have fetched the pass in between (its fetch recorded first). Entries almost always come in
 * order, so the search from the end stops at once.
 */
function insertByTime(buffer: ActivityEntry[], entry: ActivityEntry): void {
  let at = buffer.length;
  while (at > 0 && buffer[at - 1]!.at > entry.at) at -= 1;
  buffer.splice(at, 0, entry);
}
