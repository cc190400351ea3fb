import { decodePngDataUriCached } from './cached-decode';
import { encodePng } from './png';

const PREFIX = 'data:image/png;base64,';
const png = encodePng(3, 2, new Uint8Array(3 * 2 * 4).fill(90));
/** A new string with the same characters, as each request's JSON.parse hands over. */
const copyOf = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

describe('decodePngDataUriCached', () => {
  it('answers a URI sent again as a new string with the same Buffer, holding the PNG', () => {
    const uri = PREFIX + png.toString('base64');
    const first = decodePngDataUriCached(copyOf(uri));
    const again = decodePngDataUriCached(copyOf(uri));
    expect(first).toMatchObject({ ok: true, info: { width: 3, height: 2 } });
    expect(again).toBe(first);
    expect(first.ok && first.bytes.equals(png)).toBe(true);
  });

  it('answers a URI the schema refuses with the schema’s reason', () => {
    expect(decodePngDataUriCached(`${PREFIX}not*base64`)).toEqual({ ok: false, reason: 'is not valid base64' });
    expect(decodePngDataUriCached(PREFIX + Buffer.from('not a png at all').toString('base64'))).toEqual({
      ok: false,
      reason: 'is not a PNG image',
    });
  });

  it('answers each image with its own bytes', () => {
    const other = encodePng(3, 2, new Uint8Array(3 * 2 * 4).fill(91));
    const uris = [png, other].map((bytes) => PREFIX + bytes.toString('base64'));
    const [a, b] = uris.map((uri) => decodePngDataUriCached(uri));
    expect(a?.ok && a.bytes.equals(png)).toBe(true);
    expect(b?.ok && b.bytes.equals(other)).toBe(true);
  });
});
