import fc from 'fast-check';
import { decodePngDataUri, isPngDataUri, MAX_IMAGE_BYTES, MAX_IMAGE_DIMENSION } from './data-uri';
import { encodePng } from './png';

const PREFIX = 'data:image/png;base64,';
const png = encodePng(2, 3, new Uint8Array(2 * 3 * 4).fill(200));
const uri = PREFIX + png.toString('base64');

function reasonFor(value: string, limits?: Parameters<typeof decodePngDataUri>[1]): string | undefined {
  const result = decodePngDataUri(value, limits);
  return result.ok ? undefined : result.reason;
}

describe('isPngDataUri', () => {
  it('accepts the PNG base64 prefix, with the media type in any case', () => {
    expect(isPngDataUri(uri)).toBe(true);
    expect(isPngDataUri('data:IMAGE/PNG;base64,')).toBe(true);
    expect(isPngDataUri('data:Image/Png;base64,AAAA')).toBe(true);
  });

  it('rejects other media types, parameters and encodings, and a scheme or encoding in another case', () => {
    for (const value of [
      'data:image/jpeg;base64,AAAA',
      'data:image/pngx;base64,AAAA',
      'data:image/png,AAAA',
      'data:image/png;charset=utf-8;base64,AAAA',
      'data:image/png;BASE64,AAAA',
      'DATA:image/png;base64,AAAA',
      ' data:image/png;base64,AAAA',
      'https://example.com/a.png',
      '',
    ]) {
      expect(isPngDataUri(value)).toBe(false);
    }
  });
});

describe('decodePngDataUri', () => {
  it('decodes a valid PNG data URI', () => {
    const result = decodePngDataUri(uri);
    expect(result).toEqual({ ok: true, bytes: png, info: { width: 2, height: 3, bitDepth: 8, colorType: 6 } });
  });

  it('accepts an upper-case media type', () => {
    expect(decodePngDataUri('data:IMAGE/PNG;base64,' + png.toString('base64')).ok).toBe(true);
  });

  it('exposes the documented default limits', () => {
    expect(MAX_IMAGE_BYTES).toBe(1024 * 1024);
    expect(MAX_IMAGE_DIMENSION).toBe(4096);
  });

  it('rejects another media type or a URL', () => {
    const jpeg = 'data:image/jpeg;base64,' + png.toString('base64');
    expect(reasonFor(jpeg)).toBe('is not a data:image/png;base64 URI');
    expect(reasonFor('https://example.com/icon.png')).toBe('is not a data:image/png;base64 URI');
  });

  it('rejects characters outside the base64 alphabet, including the URL-safe ones', () => {
    const body = png.toString('base64');
    for (const bad of ['-', '_', '!', '.', 'é', '\0']) {
      expect(reasonFor(PREFIX + bad + body.slice(1))).toBe('is not valid base64');
    }
  });

  it('rejects missing, misplaced, excess and non-canonical padding', () => {
    for (const payload of ['QQ', 'QQ=', 'QUI', 'QQ==QQ==', 'Q===', '====', 'QUJD=', 'QR==', 'QUJ=']) {
      expect(reasonFor(PREFIX + payload)).toBe('is not valid base64');
    }
    expect(reasonFor(PREFIX + 'QQ==')).toBe('is not a PNG image');
  });

  it('rejects whitespace anywhere in the payload', () => {
    const body = png.toString('base64');
    for (const space of [' ', '\n', '\r\n', '\t']) {
      expect(reasonFor(PREFIX + body.slice(0, 8) + space + body.slice(8))).toBe('is not valid base64');
      expect(reasonFor(PREFIX + body + space)).toBe('is not valid base64');
    }
    // Still a multiple of four characters long, so only the alphabet check can catch these.
    expect(reasonFor(PREFIX + body.slice(0, 8) + ' ' + body.slice(9))).toBe('is not valid base64');
    expect(reasonFor(PREFIX + body.slice(0, 8) + '\r\n  ' + body.slice(8))).toBe('is not valid base64');
  });

  it('rejects a payload over the byte limit from its length alone, without decoding it', () => {
    const huge = PREFIX + 'A'.repeat(64 * 1024 * 1024);
    const from = jest.spyOn(Buffer, 'from');
    try {
      expect(reasonFor(huge)).toBe('is larger than 1 MiB');
      expect(reasonFor(PREFIX + '!'.repeat(2 * 1024 * 1024))).toBe('is larger than 1 MiB');
      expect(from).not.toHaveBeenCalled();
    } finally {
      from.mockRestore();
    }
  });

  it('accepts a PNG of exactly maxBytes and rejects one byte less of allowance', () => {
    expect(decodePngDataUri(uri, { maxBytes: png.length }).ok).toBe(true);
    expect(reasonFor(uri, { maxBytes: png.length - 1 })).toBe(`is larger than ${png.length - 1} bytes`);
    expect(reasonFor(uri, { maxBytes: 1 })).toBe('is larger than 1 byte');
    expect(reasonFor(uri, { maxBytes: 0 })).toBe('is larger than 0 bytes');
    expect(reasonFor(PREFIX + 'A'.repeat(4 * 1024), { maxBytes: 2 * 1024 })).toBe('is larger than 2 KiB');
  });

  it('rejects a PNG over the dimension limit, naming its size', () => {
    const wide = PREFIX + encodePng(5000, 20, new Uint8Array(5000 * 20 * 4)).toString('base64');
    expect(reasonFor(wide)).toBe('is 5000×20 pixels; the limit is 4096×4096');
    expect(reasonFor(uri, { maxDimension: 2 })).toBe('is 2×3 pixels; the limit is 2×2');
    expect(decodePngDataUri(uri, { maxDimension: 3 }).ok).toBe(true);
  });

  it('rejects valid base64 that is not a PNG', () => {
    expect(reasonFor(PREFIX + Buffer.from('GIF89a, not a PNG at all').toString('base64'))).toBe('is not a PNG image');
    expect(reasonFor(PREFIX)).toBe('is not a PNG image');
    const damaged = Buffer.from(png);
    damaged[20] = (damaged[20] ?? 0) ^ 0xff;
    expect(reasonFor(PREFIX + damaged.toString('base64'))).toBe('is not a PNG image');
  });

  it('returns a result instead of throwing for a value that is not a string', () => {
    expect(decodePngDataUri(undefined as unknown as string).ok).toBe(false);
    expect(decodePngDataUri(42 as unknown as string).ok).toBe(false);
  });

  it('never throws on arbitrary strings, with or without the prefix', () => {
    const value = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.string().map((s) => PREFIX + s),
      fc.base64String().map((s) => PREFIX + s),
    );
    fc.assert(
      fc.property(value, (v) => {
        const result = decodePngDataUri(v);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.reason).toMatch(/^is /);
      }),
    );
  });

  it('returns exactly the encoded bytes whenever it accepts', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 48 }),
      fc.uint8Array({ maxLength: 48 }).map((tail) => Buffer.concat([png.subarray(0, 33), tail])),
    );
    fc.assert(
      fc.property(bytes, (value) => {
        const result = decodePngDataUri(PREFIX + Buffer.from(value).toString('base64'));
        if (result.ok) expect(result.bytes.equals(value)).toBe(true);
        else expect(result.reason).toBe('is not a PNG image');
      }),
    );
  });
});
