import { parsePassUpdate } from '../schema/parse';
import type { PassUpdateInput } from '../schema/pass-input';
import { canonicalHash, normalisePassInput } from './normalise';
import { fieldKeysOf, findFieldByKey, withFieldKeys } from './field-keys';

function body(input: unknown): PassUpdateInput {
  const parsed = parsePassUpdate(input);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const hashOf = (input: PassUpdateInput) => canonicalHash(normalisePassInput(input));

describe('field keys', () => {
  const keyed = body({
    headerFields: [{ value: 'a' }, { key: 'primary0', value: 'b' }],
    primaryFields: [{ value: 'c' }],
    backFields: [{ key: 'terms', value: 'd' }, { value: 'e' }],
  });

  test('a row keeps its given key; the others get the pass.json key, made unique', () => {
    expect(fieldKeysOf(keyed)).toEqual({
      headerFields: ['header0', 'primary0'],
      primaryFields: ['primary0_2'],
      secondaryFields: [],
      auxiliaryFields: [],
      backFields: ['terms', 'back1'],
    });
  });

  test('withFieldKeys writes every key out, and sending that body back makes the same pass', () => {
    const written = withFieldKeys(keyed);
    expect(written.headerFields).toEqual([
      { key: 'header0', value: 'a' },
      { key: 'primary0', value: 'b' },
    ]);
    expect(written.primaryFields).toEqual([{ key: 'primary0_2', value: 'c' }]);
    expect(hashOf(body(written))).toBe(hashOf(keyed));
  });

  test('a row only a legacy property makes has its key, and the round trip keeps it', () => {
    const legacy = body({ title: 'Gold', value: '12', headerFields: [{ key: 'primary0', value: 'x' }] });
    expect(fieldKeysOf(legacy).primaryFields).toEqual(['primary0_2']);
    expect(fieldKeysOf(legacy).secondaryFields).toEqual(['secondary0']);
    expect(withFieldKeys(legacy).primaryFields).toBeUndefined();
    expect(hashOf(body(withFieldKeys(legacy)))).toBe(hashOf(legacy));
    expect(findFieldByKey(legacy, 'primary0_2')).toEqual({ group: 'primaryFields', index: 0 });
  });

  test('findFieldByKey finds given and derived keys, and nothing else', () => {
    expect(findFieldByKey(keyed, 'back1')).toEqual({ group: 'backFields', index: 1 });
    expect(findFieldByKey(keyed, 'terms')).toEqual({ group: 'backFields', index: 0 });
    expect(findFieldByKey(keyed, 'back0')).toBeNull();
  });
});
