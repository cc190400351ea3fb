/** Characters of a URI's end that, with its length, key the cache. */
const FINGERPRINT_TAIL = 64;

interface Entry<V> {
  uri: string;
  value: V;
  weight: number;
}

/**
 * A bounded cache keyed by image data URIs, oldest entry evicted first. V8 hashes the whole of a
 * string the first time it is a Map key (about 1.4 ns a character) and every request's body holds
 * new strings, so keying by the URI itself cost some 10 µs per image on every request. Entries are
 * keyed by a number made from the length and the last characters instead (a PNG's end holds the
 * checksum of its last chunk), and a hit is confirmed by comparing the whole URI, so two images
 * never share an entry.
 */
export class DataUriCache<V> {
  private readonly entries = new Map<number, Entry<V>>();
  private weight = 0;

  constructor(private readonly limits: { entries: number; weight: number }) {}

  /**
   * On a hit the entry keeps the caller's string: the next lookup of the same request's URI (the
   * renderer's, after the schema's) then compares two references instead of two copies.
   */
  get(uri: string): V | undefined {
    const entry = this.entries.get(fingerprintOf(uri));
    if (entry === undefined || entry.uri !== uri) return undefined;
    entry.uri = uri;
    return entry.value;
  }

  /** Keeps `value` unless `weight` alone is over the limit; a URI with the same fingerprint is replaced. */
  set(uri: string, value: V, weight: number): void {
    if (weight > this.limits.weight) return;
    const key = fingerprintOf(uri);
    this.remove(key);
    while (this.entries.size >= this.limits.entries || this.weight + weight > this.limits.weight) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    this.entries.set(key, { uri, value, weight });
    this.weight += weight;
  }

  private remove(key: number): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }
}

/** A 32-bit hash of the length and the tail: no string is made, and a number is a cheap Map key. */
function fingerprintOf(uri: string): number {
  let hash = uri.length | 0;
  for (let index = Math.max(0, uri.length - FINGERPRINT_TAIL); index < uri.length; index++) {
    hash = (Math.imul(hash, 31) + uri.charCodeAt(index)) | 0;
  }
  return hash;
}
