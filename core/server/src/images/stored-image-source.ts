import { createHash } from 'node:crypto';
import { decodePngDataUri, InvalidInputError, isPngDataUri, readPngInfo, type ImageSource } from '@passmint/engine';
import type { ImageSourceRecord, Store } from '../store/store-port';
import { createImageRefresher } from './image-refresher';

export interface PngFetcher {
  fetchPng(url: string): Promise<Buffer>;
}

export interface StoredImageSourceOptions {
  store: Store;
  fetcher: PngFetcher;
  clock?: () => Date;
  /** A URL's copy older than this is refreshed in the background. */
  refetchAfterMs?: number;
  /** A URL whose background refresh failed is not tried again for this long. */
  retryFailedAfterMs?: number;
}

/** The engine's ImageSource, plus what pages and Google need: an image's address, from the store alone. */
export interface StoredImageSource extends ImageSource {
  /**
   * The content hash a source is kept under (its address is `/i/<hash>.png`), without any fetch:
   * null for a URL never fetched, which is then fetched in the background.
   */
  hashOf(source: string): Promise<string | null>;
  /** Lets the background refreshes running finish; call before closing the store and the fetcher. */
  close(): Promise<void>;
}

const HOUR_MS = 60 * 60 * 1000;
const KEPT_DATA_URIS = 256;

/**
 * Data URIs are decoded, URLs fetched through the safe fetcher, and every image kept in the store
 * under its SHA-256, which is also its public address (`/i/<hash>.png`). Only a URL never seen is
 * fetched inside a request (a new pass needs its bytes); a URL already kept is answered from the
 * store, and refreshed in the background once its copy is older than `refetchAfterMs`, so no page,
 * sync or update waits on an image host it has already fetched from.
 */
export function createStoredImageSource(options: StoredImageSourceOptions): StoredImageSource {
  const { store, fetcher } = options;
  const clock = options.clock ?? (() => new Date());
  const refetchAfterMs = options.refetchAfterMs ?? 24 * HOUR_MS;
  const inFlight = new Map<string, Promise<{ hash: string; bytes: Buffer }>>();
  const refresher = createImageRefresher({
    refresh: (url) => fetchUrl(url),
    now: () => clock().getTime(),
    ...(options.retryFailedAfterMs === undefined ? {} : { retryFailedAfterMs: options.retryFailedAfterMs }),
  });
  // Data URIs already kept, by their text: the share page and Google ask for an image's address
  // on every view and sync, and decoding and hashing up to 1 MiB each time would be wasted.
  const keptDataUris = new Map<string, string>();

  async function keep(bytes: Buffer): Promise<string> {
    const info = readPngInfo(bytes);
    const hash = createHash('sha256').update(bytes).digest('hex');
    await store.putImage({ hash, bytes, width: info?.width ?? 0, height: info?.height ?? 0, createdAt: clock().toISOString() });
    return hash;
  }

  async function fromDataUri(source: string) {
    const decoded = decodePngDataUri(source);
    // The schema checked the URI already; this only guards a caller that skipped it.
    if (!decoded.ok) throw new InvalidInputError(`The image ${decoded.reason}.`, [{ path: '', message: decoded.reason }], 'invalid_image');
    const hash = await keep(decoded.bytes);
    remember(source, hash);
    return { hash, bytes: decoded.bytes };
  }

  function remember(dataUri: string, hash: string): void {
    if (keptDataUris.size >= KEPT_DATA_URIS) keptDataUris.delete(keptDataUris.keys().next().value as string);
    keptDataUris.set(dataUri, hash);
  }

  /** Fetches a URL and keeps it; concurrent callers for one URL share one fetch. */
  function fetchUrl(url: string): Promise<{ hash: string; bytes: Buffer }> {
    let pending = inFlight.get(url);
    if (!pending) {
      pending = (async () => {
        const bytes = await fetcher.fetchPng(url);
        const hash = await keep(bytes);
        await store.putImageSource({ url, hash, fetchedAt: clock().toISOString() });
        return { hash, bytes };
      })().finally(() => inFlight.delete(url));
      inFlight.set(url, pending);
    }
    return pending;
  }

  function refreshIfStale(known: ImageSourceRecord): void {
    if (clock().getTime() - Date.parse(known.fetchedAt) >= refetchAfterMs) refresher.request(known.url);
  }

  return {
    async resolve(source) {
      if (isPngDataUri(source)) return (await fromDataUri(source)).bytes;
      const known = await store.findImageSource(source);
      const image = known && (await store.getImage(known.hash));
      if (!known || !image) return (await fetchUrl(source)).bytes;
      refreshIfStale(known);
      return image.bytes;
    },
    async hashOf(source) {
      if (isPngDataUri(source)) return keptDataUris.get(source) ?? (await fromDataUri(source)).hash;
      const known = await store.findImageSource(source);
      if (!known) {
        refresher.request(source);
        return null;
      }
      refreshIfStale(known);
      return known.hash;
    },
    close: () => refresher.close(),
  };
}
