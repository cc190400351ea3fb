import { hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A file of the pass bundle with the two checksums the manifest and the zip need. */
export interface PassAsset {
  name: string;
  bytes: Buffer;
  sha1: string;
  crc: number;
  /** The same bytes recur in many passes (a cached image), so the zip keeps their layout. */
  recurs?: boolean;
}

const checksumsByContent = new WeakMap<Buffer, { sha1: string; crc: number }>();

/**
 * Images repeat across passes (defaults, a tenant's logo), so their checksums are computed once
 * per Buffer and reused; callers keep one Buffer per image content for this to pay off.
 */
export function cachedAsset(name: string, bytes: Buffer): PassAsset {
  let checksums = checksumsByContent.get(bytes);
  if (!checksums) {
    checksums = { sha1: sha1Hex(bytes), crc: crc32(bytes) };
    checksumsByContent.set(bytes, checksums);
  }
  return { name, bytes, ...checksums, recurs: true };
}

/** For content made per pass (pass.json): nothing to gain from a cache. */
export function freshAsset(name: string, bytes: Buffer): PassAsset {
  return { name, bytes, sha1: sha1Hex(bytes), crc: crc32(bytes) };
}

/** One-shot `hash` (Node 20.12): no Hash object per file, which costs more than a small file's digest. */
export function sha1Hex(bytes: Uint8Array): string {
  return hash('sha1', bytes);
}
