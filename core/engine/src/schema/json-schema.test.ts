import { passBodyJsonSchemas } from './json-schema';
import { LIMITS } from './limits';

type Schema = {
  $ref?: string;
  $defs?: Record<string, Schema>;
  properties?: Record<string, Schema>;
  required?: string[];
  [key: string]: unknown;
};

function resolved(root: Schema): Schema {
  const name = root.$ref?.replace('#/$defs/', '');
  return name ? root.$defs![name]! : root;
}

describe('passBodyJsonSchemas', () => {
  const { create, update } = passBodyJsonSchemas() as { create: Schema; update: Schema };
  const body = resolved(create);

  it('requires the barcode pair on POST only', () => {
    expect(body.required).toEqual(['barcodeValue', 'barcodeFormat']);
    expect(resolved(update).required ?? []).toEqual([]);
  });

  it('rejects unknown fields, as the API does', () => {
    expect(body.additionalProperties).toBe(false);
  });

  it('carries the limits the schema enforces', () => {
    const properties = body.properties!;
    expect(properties.organizationName).toMatchObject({ type: 'string', maxLength: LIMITS.organizationName });
    expect(properties.locations).toMatchObject({ maxItems: LIMITS.locations });
    expect(properties.expirationDays).toMatchObject({ minimum: 1, maximum: 3650 });
    expect(properties.barcodeFormat).toMatchObject({ enum: ['QR', 'PDF417', 'Aztec', 'Code128'] });
    expect(create.$defs!.PassLocation!.properties!.latitude).toMatchObject({ minimum: -90, maximum: 90 });
    expect(create.$defs!.PassField!.additionalProperties).toBe(false);
  });
});
