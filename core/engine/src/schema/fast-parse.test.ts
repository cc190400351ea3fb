import fc from 'fast-check';
import type { z } from 'zod';
import {
  API_EXAMPLE_BODIES,
  EVERY_STYLE_BODIES,
  maximalStyleBody,
  pngDataUri,
  STYLE_EXAMPLE_BODIES,
  type EveryStyleName,
} from '../testing';
import { fastParserOf, NOT_ACCEPTED } from './fast-parse';
import { fieldUpdateSchema, passCreateSchema, passMergePatchSchema, passUpdateSchema } from './pass-input';

const SCHEMAS: Record<string, z.ZodType> = { passCreateSchema, passUpdateSchema, passMergePatchSchema, fieldUpdateSchema };

const validBodies: Record<string, unknown>[] = [
  ...Object.values(API_EXAMPLE_BODIES),
  ...Object.values(STYLE_EXAMPLE_BODIES),
  ...Object.values(EVERY_STYLE_BODIES),
  ...(Object.keys(EVERY_STYLE_BODIES) as EveryStyleName[]).map(maximalStyleBody),
  { barcodeValue: 'x', barcodeFormat: 'QR', logoURL: pngDataUri(320, 100), translations: { de: { CARD: 'KARTE' }, 'pt-BR': {} } },
].map((body) => body as Record<string, unknown>);

/** zod's verdict and the fast parser's on one value: the fast one may decline, never disagree. */
function expectAgreement(schema: z.ZodType, value: unknown): 'accepted' | 'declined' {
  const fast = fastParserOf(schema)!(value);
  if (fast === NOT_ACCEPTED) return 'declined';
  const zod = schema.safeParse(value);
  expect(zod.success).toBe(true);
  // Same properties in the same order, the same values, and a copy rather than the input itself.
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  expect(fast).toEqual(zod.data);
  if (typeof value === 'object' && value !== null) expect(fast).not.toBe(value);
  return 'accepted';
}

/** A JSON value with one property anywhere in it replaced, added or removed. */
function mutated(body: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = collectPaths(body);
  return fc
    .tuple(fc.constantFrom(...paths), fc.oneof(fc.jsonValue(), fc.constant(undefined)), fc.boolean())
    .map(([path, replacement, addSibling]) => {
      const copy = structuredClone(body);
      let target: Record<string, unknown> = copy;
      for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
      const last = path[path.length - 1]!;
      if (addSibling) target[`${last}_extra`] = replacement;
      else if (replacement === undefined) delete target[last];
      else target[last] = replacement;
      return copy;
    });
}

function collectPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...collectPaths(item, [...prefix, key])]);
}

describe('fastParserOf', () => {
  it.each(Object.keys(SCHEMAS))('compiles %s: every construct of the body schemas is known to it', (name) => {
    expect(fastParserOf(SCHEMAS[name]!)).toBeInstanceOf(Function);
  });

  it('accepts every documented and every-style body, limits included, exactly as zod parses it', () => {
    for (const body of validBodies) expect(expectAgreement(passCreateSchema, body)).toBe('accepted');
    for (const body of validBodies) expect(expectAgreement(passMergePatchSchema, body)).toBe('accepted');
  });

  it('never accepts what zod refuses, nor parses differently: random edits anywhere in valid bodies', () => {
    let declined = 0;
    for (const body of validBodies) {
      fc.assert(
        fc.property(mutated(body), (value) => {
          for (const schema of [passCreateSchema, passUpdateSchema, passMergePatchSchema]) {
            if (expectAgreement(schema, value) === 'declined') declined++;
          }
        }),
        { numRuns: 40 },
      );
    }
    expect(declined).toBeGreaterThan(0);
  });

  it('declines what is not a plain JSON object, and keys zod drops silently', () => {
    for (const value of [null, [], 'body', 7, new Date(), Object.create({ barcodeValue: 'x', barcodeFormat: 'QR' })]) {
      expect(fastParserOf(passCreateSchema)!(value)).toBe(NOT_ACCEPTED);
    }
    const withProto = JSON.parse('{"barcodeValue":"x","barcodeFormat":"QR","translations":{"de":{"__proto__":"x"}}}') as unknown;
    expect(fastParserOf(passCreateSchema)!(withProto)).toBe(NOT_ACCEPTED);
    expect(passCreateSchema.safeParse(withProto).success).toBe(true);
  });

  it('declines an over-long list before reading its items', () => {
    let itemsRead = 0;
    const field = {
      get label() {
        itemsRead++;
        return 'L';
      },
      value: 'V',
    };
    const body = { barcodeValue: 'x', barcodeFormat: 'QR', backFields: Array.from({ length: 100_000 }, () => field) };
    expect(fastParserOf(passCreateSchema)!(body)).toBe(NOT_ACCEPTED);
    expect(itemsRead).toBe(0);
  });
});
