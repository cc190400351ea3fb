import { normalisePassInput } from '../normalise/normalise';
import { parsePassUpdate } from '../schema/parse';
import { fieldUpdateEdit, mergePatchEdit } from './body-edits';
import { FieldNotFoundError } from './errors';

function canonicalOf(input: unknown) {
  const parsed = parsePassUpdate(input);
  if (!parsed.ok) throw parsed.error;
  return normalisePassInput(parsed.value);
}

describe('fieldUpdateEdit', () => {
  const stored = {
    barcodeValue: 'B-1',
    barcodeFormat: 'QR',
    headerFields: [{ label: 'POINTS', value: '10' }],
    backFields: [{ key: 'terms', value: 'old' }],
  };

  test('sets the value (and changeMessage) of the row with that key, leaving the rest', () => {
    const edited = fieldUpdateEdit('header0', { value: 1300, changeMessage: 'Now %@' })(stored);
    expect(edited).toEqual({ ...stored, headerFields: [{ label: 'POINTS', value: 1300, changeMessage: 'Now %@' }] });
    expect(fieldUpdateEdit('terms', { value: 'new' })(stored)).toEqual({ ...stored, backFields: [{ key: 'terms', value: 'new' }] });
  });

  test('an unknown key is a FieldNotFoundError', () => {
    expect(() => fieldUpdateEdit('back0', { value: 'x' })(stored)).toThrow(FieldNotFoundError);
  });

  test('a row set by the legacy title changes on the pass, and logoText stays', () => {
    const legacy = { barcodeValue: 'B-1', barcodeFormat: 'QR', title: 'Gold', cardLabel: 'TIER' };
    const edited = fieldUpdateEdit('primary0', { value: 'Platinum', changeMessage: 'Now %@' })(legacy);
    const canonical = canonicalOf(edited);
    expect(canonical.fields.primaryFields).toEqual([{ key: 'primary0', label: 'TIER', value: 'Platinum', changeMessage: 'Now %@' }]);
    expect(canonical.logoText).toBe('Gold');
  });

  test('a row overridden by the legacy value changes on the pass', () => {
    const legacy = { barcodeValue: 'B-1', barcodeFormat: 'QR', label: 'LEVEL', value: '1', secondaryFields: [{ value: 'ignored' }] };
    const canonical = canonicalOf(fieldUpdateEdit('secondary0', { value: 2 })(legacy));
    expect(canonical.fields.secondaryFields).toEqual([{ key: 'secondary0', label: 'LEVEL', value: '2' }]);
  });
});

describe('mergePatchEdit', () => {
  test('merges into the stored body', () => {
    expect(mergePatchEdit({ logoText: null, description: 'New' })({ logoText: 'Old', barcodeValue: 'B' })).toEqual({
      barcodeValue: 'B',
      description: 'New',
    });
  });
});
