import { z } from 'zod';
import { isoDateTime } from './date-time';
import { imageSource } from './image-source';
import { checkStyleRules, passStyleShape } from './pass-styles';
import { unlessMissing } from './issue-messages';
import { BARCODE_FORMATS, COLOR_PRESETS, FIELD_GROUPS, LIMITS } from './limits';
import { characterCount, text } from './text';
import { translationsShape } from './translations';

const FIELD_KEY = /^[A-Za-z0-9_.-]+$/;
const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

const oneOf = (values: readonly string[]) => ({ error: unlessMissing(`must be one of ${values.join(', ')}`) });

export const passFieldSchema = z
  .strictObject({
    key: z
      .string()
      .min(1, { abort: true })
      .max(LIMITS.fieldKey)
      .regex(FIELD_KEY, { error: 'may contain only letters, digits, ".", "_" and "-"' })
      .optional()
      .meta({ description: '(extension) stable key of the field; generated when omitted; unique across the pass' }),
    label: text(LIMITS.fieldLabel).optional(),
    value: z.union([text(LIMITS.backFieldValue), z.number()], { error: unlessMissing('must be a string or a number') }),
    changeMessage: text(LIMITS.changeMessage)
      .optional()
      .meta({ description: 'lock-screen message when this field changes on a PUT; %@ is replaced by the new value' }),
  })
  .meta({ id: 'PassField' });

const fieldList = (max: number, valueMax: number) =>
  z
    .array(passFieldSchema, { error: 'must be an array of fields' })
    .max(max, { error: `must have at most ${max} items` })
    .superRefine((fields, ctx) => {
      fields.forEach((field, index) => {
        if (typeof field.value === 'string' && characterCount(field.value) > valueMax) {
          ctx.addIssue({ code: 'custom', path: [index, 'value'], message: `must be at most ${valueMax} characters` });
        }
      });
    });

export const locationSchema = z
  .strictObject({
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    altitude: z.number().min(LIMITS.altitudeMin).max(LIMITS.altitudeMax).optional(),
    relevantText: text(LIMITS.relevantText).optional(),
  })
  .meta({ id: 'PassLocation' });

const passBodyShape = {
  barcodeValue: text(LIMITS.barcodeValue, { nonEmpty: true }).meta({ description: 'data encoded in the barcode' }),
  barcodeFormat: z.enum(BARCODE_FORMATS, oneOf(BARCODE_FORMATS)),
  barcodeAltText: text(LIMITS.barcodeAltText)
    .optional()
    .meta({ description: '(extension) text printed under the barcode; defaults to the value when it is short' }),
  logoText: text(LIMITS.logoText).optional(),
  description: text(LIMITS.description).optional(),
  organizationName: text(LIMITS.organizationName).optional(),
  headerFields: fieldList(LIMITS.headerFields, LIMITS.fieldValue).optional(),
  primaryFields: fieldList(LIMITS.boardingPassPrimaryFields, LIMITS.fieldValue)
    .optional()
    .meta({ description: `at most ${LIMITS.primaryFields} (${LIMITS.boardingPassPrimaryFields} on a boardingPass)` }),
  secondaryFields: fieldList(LIMITS.secondaryFields, LIMITS.fieldValue).optional(),
  auxiliaryFields: fieldList(LIMITS.auxiliaryFields, LIMITS.fieldValue).optional(),
  backFields: fieldList(LIMITS.backFields, LIMITS.backFieldValue).optional(),
  locations: z
    .array(locationSchema)
    .max(LIMITS.locations, { error: `must have at most ${LIMITS.locations} items` })
    .optional(),
  sharingProhibited: z.boolean().optional(),
  colorPreset: z.enum(COLOR_PRESETS, oneOf(COLOR_PRESETS)).optional(),
  color: z.string().regex(HEX_COLOR, { error: 'must be a hex colour like #1A2B3C' }).optional(),
  logoURL: imageSource.optional(),
  thumbnailURL: imageSource.optional(),
  stripURL: imageSource.optional(),
  iconURL: imageSource.optional(),
  backgroundURL: imageSource.optional().meta({ description: '(extension) eventTicket background, blurred behind the front' }),
  footerURL: imageSource.optional().meta({ description: '(extension) boardingPass image above the barcode' }),
  title: text(LIMITS.legacyText).optional().meta({ description: 'legacy: sets primaryFields[0].value (and logoText if unset)' }),
  cardLabel: text(LIMITS.fieldLabel).optional().meta({ description: 'legacy: sets primaryFields[0].label, default CARD' }),
  label: text(LIMITS.fieldLabel).optional().meta({ description: 'legacy: sets secondaryFields[0].label' }),
  value: text(LIMITS.legacyText).optional().meta({ description: 'legacy: sets secondaryFields[0].value' }),
  expirationDays: z.number().int().min(LIMITS.expirationDaysMin).max(LIMITS.expirationDaysMax).optional(),
  voided: z.boolean().optional().meta({ description: '(extension) marks the pass void on every device' }),
  relevantDate: isoDateTime.optional().meta({ description: '(extension) date the pass is relevant' }),
  ...passStyleShape,
  ...translationsShape,
};

/** Body of POST /api/passes: the barcode pair is required. */
export const passCreateSchema = z
  .strictObject(passBodyShape)
  .superRefine(checkFieldKeysUnique)
  .superRefine(checkStyleRules)
  .meta({ id: 'PassInput' });

/** Body of PUT /api/passes/<serial>: as POST, but the barcode pair may be left out (together). */
export const passUpdateSchema = z
  .strictObject({
    ...passBodyShape,
    barcodeValue: passBodyShape.barcodeValue.optional(),
    barcodeFormat: passBodyShape.barcodeFormat.optional(),
  })
  .superRefine(checkFieldKeysUnique)
  .superRefine(checkStyleRules)
  .superRefine((body, ctx) => {
    if ((body.barcodeValue === undefined) !== (body.barcodeFormat === undefined)) {
      const missing = body.barcodeValue === undefined ? 'barcodeValue' : 'barcodeFormat';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required when the other barcode field is given' });
    }
  })
  .meta({ id: 'PassUpdateInput' });

/**
 * (extension) Body of PATCH /api/passes/<serial>: a JSON merge patch of the stored body. Every
 * property of the body may be given (replacing the stored value; arrays replace whole) or be
 * null (removing it). The merged body is then validated as a PUT body; unknown properties are
 * kept here so that check names them.
 * @see https://www.rfc-editor.org/rfc/rfc7396#section-2
 */
export const passMergePatchSchema = z
  .looseObject(
    Object.fromEntries(Object.entries(passBodyShape).map(([name, schema]) => [name, schema.nullable().optional()])) as {
      [K in keyof typeof passBodyShape]: z.ZodOptional<z.ZodNullable<(typeof passBodyShape)[K]>>;
    },
  )
  .meta({
    id: 'PassMergePatch',
    description:
      '(extension) JSON merge patch (RFC 7396) of the stored body: a property replaces the stored one (arrays whole), null removes it; the result must be a valid PUT body.',
  });

/** (extension) Body of PATCH /api/passes/<serial>/fields/<key>: the row's new value, and optionally its changeMessage. */
export const fieldUpdateSchema = z
  .strictObject({ value: passFieldSchema.shape.value, changeMessage: passFieldSchema.shape.changeMessage })
  .meta({ id: 'FieldUpdate' });

export type PassInput = z.infer<typeof passCreateSchema>;
export type PassUpdateInput = z.infer<typeof passUpdateSchema>;
export type PassFieldInput = z.infer<typeof passFieldSchema>;
export type PassLocation = z.infer<typeof locationSchema>;
export type PassMergePatch = z.infer<typeof passMergePatchSchema>;
export type FieldUpdate = z.infer<typeof fieldUpdateSchema>;

type Body = Partial<Record<(typeof FIELD_GROUPS)[number], { key?: string | undefined }[] | undefined>> & {
  barcodeFormat?: string | undefined;
  barcodeValue?: string | undefined;
};

function checkFieldKeysUnique(body: Body, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  for (const group of FIELD_GROUPS) {
    body[group]?.forEach((field, index) => {
      if (field.key === undefined) return;
      const first = seen.get(field.key);
      if (first) ctx.addIssue({ code: 'custom', path: [group, index, 'key'], message: `duplicates the key of ${first}` });
      else seen.set(field.key, `${group}.${index}`);
    });
  }
  if (body.barcodeFormat === 'Code128' && body.barcodeValue !== undefined && !isCode128Encodable(body.barcodeValue)) {
    ctx.addIssue({
      code: 'custom',
      path: ['barcodeValue'],
      message: `must be at most ${LIMITS.barcodeValueCode128} printable ASCII characters for Code128`,
    });
  }
}

function isCode128Encodable(value: string): boolean {
  return value.length <= LIMITS.barcodeValueCode128 && /^[\x20-\x7E]+$/.test(value);
}
