import { createHash } from 'node:crypto';

/**
 * A file of the pass as the checks use it. Every file is hashed for the manifest and keeps its
 * first bytes (a PNG's signature and IHDR); only the files a check parses are kept whole, so an
 * archive's inflated size never has to fit in memory at once.
 */
export interface PassFile {
  size: number;
  /** SHA-1 of the contents in lowercase hex, what manifest.json lists (Apple's pass format). */
  sha1: string;
  head: Uint8Array;
  /** The whole contents: pass.json, manifest.json, signature and `*.lproj/pass.strings` only. */
  bytes?: Uint8Array;
}

/** The files whose contents a check reads in full. */
const KEPT_WHOLE = new Set(['pass.json', 'manifest.json', 'signature']);

const STRINGS_FILE = /^[^/]+\.lproj\/pass\.strings$/;

export function isKeptWhole(name: string): boolean {
  return KEPT_WHOLE.has(name) || STRINGS_FILE.test(name);
}

export interface PassFileCollector {
  write(chunk: Uint8Array): void;
  finish(): PassFile;
}

/**
 * Builds a PassFile from streamed chunks. `inspectHead` sees the first `headLength` bytes once
 * (or all of a shorter file at the end) and may throw to stop the entry before more is read.
 */
export function collectPassFile(options: {
  size: number;
  keepWhole: boolean;
  headLength: number;
  inspectHead?: (head: Uint8Array) => void;
}): PassFileCollector {
  const hash = createHash('sha1');
  const head = new Uint8Array(Math.min(options.headLength, options.size));
  const whole = options.keepWhole ? new Uint8Array(options.size) : undefined;
  let written = 0;
  let headInspected = options.inspectHead === undefined;
  return {
    write(chunk) {
      if (written < head.length) head.set(chunk.subarray(0, head.length - written), written);
      whole?.set(chunk, written);
      written += chunk.length;
      hash.update(chunk);
      if (!headInspected && written >= head.length) {
        headInspected = true;
        options.inspectHead?.(head);
      }
    },
    finish() {
      if (!headInspected) options.inspectHead?.(head.subarray(0, written));
      const file: PassFile = { size: written, sha1: hash.digest('hex'), head: head.subarray(0, Math.min(written, head.length)) };
      if (whole !== undefined) file.bytes = whole.subarray(0, written);
      return file;
    },
  };
}
