import { createHash } from 'node:crypto';
import { decodePngDataUri, InvalidInputError, isPngDataUri, readPngInfo, type ImageSource, type Store } from '@passmint/engine';

export interface PngFetcher {
  fetchPng(url: string): Promise<Buffer>;
}

export interface StoredImageSourceOptions {
  store: Store;
  fetcher: PngFetcher;
  clock?: () => Date;
  /** A URL fetched more recently than this is not fetched again. */
  refetchAfterMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;
const KEPT_DATA_URIS = 256;

/**
 * The engine's ImageSource: data URIs are decoded, URLs fetched through the safe fetcher, and
 * every image kept in the store under its SHA-256, which is also its public address
 * (`/i/<hash>.png`). A URL seen within `refetchAfterMs` is answered from the store, so updating a
 * pass does not fetch its logo again; concurrent requests for one URL share one fetch.
 */
export function createStoredImageSource(options: StoredImageSourceOptions): ImageSource & { hashOf(source: string): Promise<string> } {
  const { store, fetcher } = options;
  const clock = options.clock ?? (() => new Date());
  const refetchAfterMs = options.refetchAfterMs ?? 24 * HOUR_MS;
  const inFlight = new Map<string, Promise<{ hash: string; bytes: Buffer }>>();
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

  /** A URL fetched recently enough to use as it is, else null. */
  async function freshSource(url: string) {
    const known = await store.findImageSource(url);
    return known && clock().getTime() - Date.parse(known.fetchedAt) < refetchAfterMs ? known : null;
  }

  async function fromUrl(url: string) {
    const known = await freshSource(url);
    const image = known && (await store.getImage(known.hash));
    if (image) return { hash: image.hash, bytes: image.bytes };
    const bytes = await fetcher.fetchPng(url);
    const hash = await keep(bytes);
    await store.putImageSource({ url, hash, fetchedAt: clock().toISOString() });
    return { hash, bytes };
  }

  function load(source: string) {
    if (isPngDataUri(source)) return fromDataUri(source);
    let pending = inFlight.get(source);
    if (!pending) {
      pending = fromUrl(source).finally(() => inFlight.delete(source));
      inFlight.set(source, pending);
    }
    return pending;
  }

  return {
    async resolve(source) {
      return (await load(source)).bytes;
    },
    /** The address of an image without loading its bytes when it is already kept. */
    async hashOf(source) {
      const known = isPngDataUri(source) ? keptDataUris.get(source) : (await freshSource(source))?.hash;
      return known ?? (await load(source)).hash;
    },
  };
}
