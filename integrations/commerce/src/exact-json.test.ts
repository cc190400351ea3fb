import fc from 'fast-check';
import { parseJsonExact } from './exact-json';

/** What parseJsonExact should give for a parsed value: unsafe integers written as digits become those digits. */
function exactly(value: unknown): unknown {
  if (typeof value === 'number')
    return !Number.isSafeInteger(value) && /^-?\d+$/.test(JSON.stringify(value)) ? JSON.stringify(value) : value;
  if (Array.isArray(value)) return value.map(exactly);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, exactly(item)]));
  return value;
}

describe('parseJsonExact', () => {
  it("keeps Shopify's test order id exactly, where JSON.parse rounds it", () => {
    const text = '{"id":820982911946154508,"customer":{"id":115310627314723954},"orders_to_redact":[820982911946154508,450789469]}';
    expect((JSON.parse(text) as { id: number }).id).toBe(820982911946154500);
    expect(parseJsonExact(text)).toEqual({
      id: '820982911946154508',
      customer: { id: '115310627314723954' },
      orders_to_redact: ['820982911946154508', 450789469],
    });
  });

  it('leaves safe integers, fractions, exponents and digits inside strings alone', () => {
    const text = '{"a":9007199254740991,"b":-9007199254740991,"c":1.5e300,"d":"820982911946154508","e\\"99999999999999999999":0.1}';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
    expect(parseJsonExact('-9007199254740993')).toBe('-9007199254740993');
  });

  it('reads any JSON as JSON.parse does, with every unsafe integer as its exact digits', () => {
    const integer = fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n });
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(integer, { maxLength: 5 }), (value, ids) => {
        const text = `{"value":${JSON.stringify(value)},"ids":[${ids.join(',')}]}`;
        const exact = (id: bigint) => (Number.isSafeInteger(Number(id)) ? Number(id) : String(id));
        expect(parseJsonExact(text)).toEqual({ value: exactly(JSON.parse(JSON.stringify(value))), ids: ids.map(exact) });
      }),
    );
  });

  it('throws exactly when JSON.parse throws', () => {
    for (const text of ['{12345678901234567890:1}', '[012345678901234567890]', '{"a":1', '', 'not json', '[1,]']) {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseJsonExact(text)).toThrow(SyntaxError);
    }
    const parses = (parse: (text: string) => unknown, text: string) => {
      try {
        parse(text);
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(SyntaxError);
        return false;
      }
    };
    const jsonish = fc.string({
      unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', '9', '0', '-', '.', 'e', ' ', '\\'),
      maxLength: 40,
    });
    fc.assert(fc.property(jsonish, (text) => expect(parses(parseJsonExact, text)).toBe(parses(JSON.parse, text))));
  });
});
