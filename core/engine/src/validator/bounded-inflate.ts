import { Inflate } from 'fflate';
import { errorText } from './problems';
import { ZipDamage, ZipRefusal } from './zip-errors';

/**
 * Why fflate's streaming `Inflate` and not node:zlib: the validator is synchronous (the CLI and
 * `passmint check` call it inline), and zlib's synchronous calls only offer `maxOutputLength`,
 * which throws away the partial output, so a PNG's IHDR could not be looked at before the rest is
 * inflated. `Inflate` hands over output as each piece of input is pushed, so inflation stops
 * within one small step of passing a limit.
 */

/**
 * Compressed bytes pushed at a time. DEFLATE expands at most 1032:1 (a 258-byte match per two
 * 1-bit codes, RFC 1951 3.2.5), so one step never yields much more than 1 MiB.
 */
const INPUT_STEP = 1024;
const STORED = 0;

export interface InflateLimits {
  /** The uncompressed size the zip declares (already checked against the entry's cap). */
  size: number;
  /** Looks at the first `length` bytes (or all, when shorter) once, before more output is kept. */
  head?: { length: number; inspect(head: Uint8Array): void };
}

/** The entry's bytes, or a refusal the moment the output passes the declared size. */
export function inflateEntry(name: string, method: number, data: Uint8Array, limits: InflateLimits): Uint8Array {
  // No data at all: an empty file, whatever the method says (some tools write empty files as "deflated").
  if (method === STORED || data.length === 0) {
    if (data.length !== limits.size) throw sizeMismatch(name, limits.size, data.length > limits.size ? 'more' : 'fewer');
    limits.head?.inspect(data.subarray(0, limits.head.length));
    return data;
  }
  const output = collectInflated(name, data, limits);
  if (output.length !== limits.size) throw sizeMismatch(name, limits.size, 'fewer');
  return output;
}

function collectInflated(name: string, data: Uint8Array, limits: InflateLimits): Uint8Array {
  const output = new Uint8Array(limits.size);
  let produced = 0;
  let headSeen = limits.head === undefined;
  const inflater = new Inflate((chunk) => {
    if (produced + chunk.length > limits.size) throw sizeMismatch(name, limits.size, 'more');
    output.set(chunk, produced);
    produced += chunk.length;
    if (!headSeen && limits.head !== undefined && produced >= limits.head.length) {
      headSeen = true;
      limits.head.inspect(output.subarray(0, limits.head.length));
    }
  });
  try {
    for (let offset = 0; offset < data.length; offset += INPUT_STEP) {
      const end = Math.min(offset + INPUT_STEP, data.length);
      inflater.push(data.subarray(offset, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof ZipRefusal) throw error;
    throw new ZipDamage('zip_unreadable', `"${name}" is not valid DEFLATE data (${errorText(error)}).`, name);
  }
  if (!headSeen) limits.head?.inspect(output.subarray(0, produced));
  return output.subarray(0, produced);
}

function sizeMismatch(name: string, declared: number, how: 'more' | 'fewer'): ZipRefusal {
  return new ZipRefusal(
    'zip_entry_size_mismatch',
    `"${name}" inflates to ${how} bytes than the ${declared} the zip declares; it was not read further. Zip tools write the true size, zip bombs do not.`,
    name,
  );
}
