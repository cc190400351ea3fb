/**
 * Fetches image URLs again in the background, so that no request waits on an image host: a page
 * or a sync that finds a URL's copy stale asks for a refresh and goes on with the copy it has.
 * One refresh per URL at a time, a few at once, and a URL whose refresh failed is left alone for
 * a while, so a host that hangs or fails is not asked again on every view.
 */
export interface ImageRefresher {
  /** Asks for `url` to be fetched again; returns at once. */
  request(url: string): void;
  /** Resolves once no refresh is queued or running. */
  idle(): Promise<void>;
  /** Takes no more requests and waits for the refreshes running (each bounded by the fetch timeout). */
  close(): Promise<void>;
}

export interface ImageRefresherOptions {
  /** Fetches the URL and keeps what it gave; rejects when it could not. */
  refresh(url: string): Promise<unknown>;
  now?: () => number;
  /** A URL whose refresh failed is not tried again for this long. Default one hour. */
  retryFailedAfterMs?: number;
  /** Refreshes running at once. Default 2. */
  concurrency?: number;
  /** URLs waiting beyond this are dropped (a later view asks again). Default 1,000. */
  maxQueued?: number;
}

const HOUR_MS = 60 * 60_000;
/** Failures remembered at most; the oldest is forgotten first. */
const MAX_REMEMBERED_FAILURES = 10_000;

export function createImageRefresher(options: ImageRefresherOptions): ImageRefresher {
  const now = options.now ?? Date.now;
  const retryFailedAfterMs = options.retryFailedAfterMs ?? HOUR_MS;
  const concurrency = options.concurrency ?? 2;
  const maxQueued = options.maxQueued ?? 1000;
  const queued = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const failedUntil = new Map<string, number>();
  let closed = false;

  function recentlyFailed(url: string): boolean {
    const until = failedUntil.get(url);
    if (until === undefined) return false;
    if (until > now()) return true;
    failedUntil.delete(url);
    return false;
  }

  function rememberFailure(url: string): void {
    if (failedUntil.size >= MAX_REMEMBERED_FAILURES) failedUntil.delete(failedUntil.keys().next().value as string);
    failedUntil.set(url, now() + retryFailedAfterMs);
  }

  function start(url: string): void {
    const run = options
      .refresh(url)
      .then(
        () => void failedUntil.delete(url),
        () => rememberFailure(url),
      )
      .finally(() => {
        running.delete(url);
        pump();
      });
    running.set(url, run);
  }

  function pump(): void {
    while (!closed && running.size < concurrency) {
      const next = queued.values().next();
      if (next.done) return;
      queued.delete(next.value);
      start(next.value);
    }
  }

  return {
    request(url) {
      if (closed || running.has(url) || queued.has(url) || queued.size >= maxQueued || recentlyFailed(url)) return;
      queued.add(url);
      pump();
    },
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
    async close() {
      closed = true;
      queued.clear();
      await Promise.all(running.values());
    },
  };
}
