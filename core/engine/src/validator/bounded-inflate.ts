import { Inflate } from 'fflate';
import { errorText } from './problems';
import { ZipDamage, ZipRefusal } from './zip-errors';

/**
 * Why fflate's streaming `Inflate` and not node:zlib: the validator is synchronous (the CLI and
 * `passmint check` call it inline), and zlib's synchronous calls only offer `maxOutputLength`,
 * which throws away the partial output, so a PNG's IHDR could not be looked at before the rest is
 * inflated. `Inflate` hands over output as each piece of input is pushed, so inflation stops
 * within one small step of passing a limit, and each piece can be hashed and dropped.
 */

/**
 * DEFLATE expands at most 1032:1 (a 258-byte match per two 1-bit codes, RFC 1951 3.2.5), so
 * pushing `n` compressed bytes yields at most 1032·n. A step is sized so its output can pass what
 * the entry may still produce by 16 times at most: a bomb behind a 100-byte declaration is stopped
 * after 64 compressed bytes (~64 KiB inflated), while incompressible data still moves 1 KiB a step
 * until its last few KiB. No step yields more than about 1 MiB.
 * @see https://www.rfc-editor.org/rfc/rfc1951#section-3.2.5
 */
const MAX_EXPANSION = 1032;
const OVERSHOOT = 16;
const MIN_STEP = 64;
const MAX_STEP = 1024;
const STORED = 0;

function stepFor(remaining: number): number {
  return Math.min(MAX_STEP, Math.max(MIN_STEP, Math.ceil((remaining * OVERSHOOT) / MAX_EXPANSION)));
}

/**
 * Streams the entry's bytes to `write` and refuses the moment the output passes the declared
 * `size`, before the chunk that passes it is written; output short of `size` is refused at the end.
 */
export function inflateEntry(name: string, method: number, data: Uint8Array, size: number, write: (chunk: Uint8Array) => void): void {
  // No data at all: an empty file, whatever the method says (some tools write empty files as "deflated").
  if (method === STORED || data.length === 0) {
    if (data.length !== size) throw sizeMismatch(name, size, data.length > size ? 'more' : 'fewer');
    write(data);
    return;
  }
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > size) throw sizeMismatch(name, size, 'more');
    if (chunk.length > 0) write(chunk);
  });
  try {
    for (let offset = 0; offset < data.length; ) {
      const end = Math.min(offset + stepFor(size - produced), data.length);
      inflater.push(data.subarray(offset, end), end === data.length);
      offset = end;
    }
  } catch (error) {
    if (error instanceof ZipRefusal) throw error;
    throw new ZipDamage('zip_unreadable', `"${name}" is not valid DEFLATE data (${errorText(error)}).`, name);
  }
  if (produced !== size) throw sizeMismatch(name, size, 'fewer');
}

function sizeMismatch(name: string, declared: number, how: 'more' | 'fewer'): ZipRefusal {
  return new ZipRefusal(
    'zip_entry_size_mismatch',
    `"${name}" inflates to ${how} bytes than the ${declared} the zip declares; it was not read further. Zip tools write the true size, zip bombs do not.`,
    name,
  );
}
