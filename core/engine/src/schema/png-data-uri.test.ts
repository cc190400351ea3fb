import fc from 'fast-check';
import { encodePng } from '../images/png';
import { checkPngDataUri, checkPngDataUriCached } from './png-data-uri';

const PREFIX = 'data:image/png;base64,';
const png = encodePng(5, 7, new Uint8Array(5 * 7 * 4).fill(90));

// The schema's check works without Buffer; Node's own base64 round trip is the reference for what
// "canonical" means (one spelling per byte string), and the header must read as it does from bytes.
test('accepts exactly the payloads that are the canonical base64 of their bytes', () => {
  const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ \n'.split(''));
  const pngPrefix = png.subarray(0, 33).toString('base64');
  const payload = fc.oneof(
    fc.string({ unit: alphabet, maxLength: 24 }),
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    fc.string({ unit: alphabet, maxLength: 12 }).map((tail) => pngPrefix + tail),
  );
  fc.assert(
    fc.property(payload, (value) => {
      const canonical = value.length % 4 === 0 && Buffer.from(value, 'base64').toString('base64') === value;
      const result = checkPngDataUri(PREFIX + value);
      expect(result.ok || result.reason !== 'is not valid base64').toBe(canonical);
    }),
  );
});

test('reads the header of a real PNG from its base64 and hands back the payload', () => {
  const payload = png.toString('base64');
  expect(checkPngDataUri(PREFIX + payload)).toEqual({ ok: true, info: { width: 5, height: 7, bitDepth: 8, colorType: 6 }, payload });
});

test('the cached check answers as the uncached one, for good and bad URIs alike', () => {
  const uris = [PREFIX + png.toString('base64'), PREFIX + 'QQ==', PREFIX + 'not base64!', 'https://example.com/a.png'];
  for (const uri of uris) {
    expect(checkPngDataUriCached(uri)).toEqual(checkPngDataUri(uri));
    expect(checkPngDataUriCached(uri)).toEqual(checkPngDataUri(uri));
  }
});

test('past its 256 entries the cache evicts, and every URI, new or evicted, is still checked right', () => {
  const uriOf = (width: number) => PREFIX + encodePng(width, 1, new Uint8Array(width * 4)).toString('base64');
  for (const round of [1, 2]) {
    for (let width = 1; width <= 600; width++) {
      const result = checkPngDataUriCached(uriOf(width));
      expect({ round, width: result.ok && result.info.width }).toEqual({ round, width });
    }
  }
});

test('a value too long to be an image is checked without emptying the cache', () => {
  const uri = PREFIX + png.toString('base64');
  const first = checkPngDataUriCached(uri);
  expect(checkPngDataUriCached(uri)).toBe(first);
  expect(checkPngDataUriCached(PREFIX + 'A'.repeat(33 * 1024 * 1024))).toEqual({ ok: false, reason: 'is larger than 1 MiB' });
  expect(checkPngDataUriCached(uri)).toBe(first);
});
