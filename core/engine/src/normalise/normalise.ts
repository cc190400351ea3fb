import { createHash } from 'node:crypto';
import { COLOR_PRESET_HEX } from '../apple/colors';
import { FIELD_GROUPS, type FieldGroup, type ImageField } from '../schema/limits';
import { canonicalLanguageTag } from '../schema/translations';
import type { PassFieldInput, PassUpdateInput } from '../schema/pass-input';
import type { CanonicalField, CanonicalPass, ImageRole } from './canonical-pass';

const KEY_PREFIX: Record<FieldGroup, string> = {
  headerFields: 'header',
  primaryFields: 'primary',
  secondaryFields: 'secondary',
  auxiliaryFields: 'auxiliary',
  backFields: 'back',
};

const IMAGE_ROLES: Record<ImageRole, ImageField> = {
  logo: 'logoURL',
  thumbnail: 'thumbnailURL',
  strip: 'stripURL',
  icon: 'iconURL',
  background: 'backgroundURL',
  footer: 'footerURL',
};

/** Short barcode values double as the human-readable text under the barcode. */
const AUTO_ALT_TEXT_MAX = 32;
const DEFAULT_CARD_LABEL = 'CARD';

/**
 * Folds a validated body (POST or PUT) into its canonical form. Legacy `title`/`cardLabel` set the
 * first primary field and `label`/`value` the first secondary field, overriding what is there.
 */
export function normalisePassInput(input: PassUpdateInput): CanonicalPass {
  const groups = foldLegacyFields(input);
  const canonical: CanonicalPass = {
    barcode: input.barcodeValue && input.barcodeFormat ? barcodeOf(input) : null,
    fields: assignFieldKeys(groups),
    locations: (input.locations ?? []).map((location) => dropUndefined(location)),
    sharingProhibited: input.sharingProhibited ?? true,
    images: imagesOf(input),
    voided: input.voided ?? false,
  };
  setIfPresent(canonical, 'logoText', nonEmpty(input.logoText) ?? nonEmpty(input.title));
  setIfPresent(canonical, 'description', nonEmpty(input.description));
  setIfPresent(canonical, 'organizationName', nonEmpty(input.organizationName));
  setIfPresent(canonical, 'backgroundColor', backgroundOf(input));
  setIfPresent(canonical, 'expirationDays', input.expirationDays);
  setIfPresent(canonical, 'relevantDate', input.relevantDate && new Date(input.relevantDate).toISOString());
  setIfPresent(canonical, 'style', input.style);
  setIfPresent(canonical, 'transitType', input.transitType);
  setIfPresent(canonical, 'event', input.event && dropUndefinedDeep(input.event));
  setIfPresent(canonical, 'trip', input.trip && dropUndefinedDeep(input.trip));
  setIfPresent(canonical, 'points', input.points && dropUndefined(input.points));
  setIfPresent(canonical, 'defaultLanguage', input.defaultLanguage && canonicalLanguageTag(input.defaultLanguage));
  setIfPresent(canonical, 'translations', translationsOf(input.translations));
  return canonical;
}

/** Stable digest of a canonical pass: equal for equal passes whatever the key order of the input. */
export function canonicalHash(pass: CanonicalPass): string {
  return createHash('sha256').update(stableStringify(pass)).digest('hex');
}

/**
 * JSON with object keys sorted, so that equal values serialise to equal strings. Built by
 * concatenation (no entry arrays or template strings): every write runs it (the canonical hash,
 * and a POST's idempotency fingerprint).
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (stableStringify(value[i]) ?? '');
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    out += (out.length === 1 ? '' : ',') + JSON.stringify(key) + ':' + stableStringify(item);
  }
  return out + '}';
}

type FieldGroups = Record<FieldGroup, PassFieldInput[]>;

function foldLegacyFields(input: PassUpdateInput): FieldGroups {
  // The input's own arrays, copied only where a legacy field replaces an item.
  const groups = {} as FieldGroups;
  for (const group of FIELD_GROUPS) groups[group] = input[group] ?? [];
  if (input.title !== undefined || input.cardLabel !== undefined) {
    const first = groups.primaryFields[0];
    groups.primaryFields = [...groups.primaryFields];
    groups.primaryFields[0] = {
      ...first,
      label: input.cardLabel ?? first?.label ?? DEFAULT_CARD_LABEL,
      value: input.title ?? first?.value ?? '',
    };
  }
  if (input.label !== undefined || input.value !== undefined) {
    const first = groups.secondaryFields[0];
    groups.secondaryFields = [...groups.secondaryFields];
    groups.secondaryFields[0] = { ...first, label: input.label ?? first?.label, value: input.value ?? first?.value ?? '' };
  }
  return groups;
}

/** Fills in missing keys (`header0`, `primary0`, …) without colliding with keys the caller chose. */
function assignFieldKeys(groups: FieldGroups): Record<FieldGroup, CanonicalField[]> {
  const taken = new Set<string>();
  for (const group of FIELD_GROUPS) for (const field of groups[group]) if (field.key) taken.add(field.key);
  const result = {} as Record<FieldGroup, CanonicalField[]>;
  for (const group of FIELD_GROUPS) {
    const fields = groups[group];
    const canonical = new Array<CanonicalField>(fields.length);
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index]!;
      canonical[index] = canonicalField(field, field.key ?? uniqueKey(taken, `${KEY_PREFIX[group]}${index}`));
    }
    result[group] = canonical;
  }
  return result;
}

function uniqueKey(taken: Set<string>, base: string): string {
  let key = base;
  for (let suffix = 2; taken.has(key); suffix++) key = `${base}_${suffix}`;
  taken.add(key);
  return key;
}

function canonicalField(field: PassFieldInput, key: string): CanonicalField {
  const result: CanonicalField = { key, value: String(field.value) };
  setIfPresent(result, 'label', field.label);
  setIfPresent(result, 'changeMessage', nonEmpty(field.changeMessage));
  return result;
}

function barcodeOf(input: PassUpdateInput): CanonicalPass['barcode'] {
  const value = input.barcodeValue!;
  const altText = input.barcodeAltText ?? (value.length <= AUTO_ALT_TEXT_MAX ? value : undefined);
  return dropUndefined({ format: input.barcodeFormat!, value, altText: nonEmpty(altText) });
}

function backgroundOf(input: PassUpdateInput): string | undefined {
  if (input.color) return input.color.toLowerCase();
  return input.colorPreset && COLOR_PRESET_HEX[input.colorPreset];
}

const IMAGE_ROLE_ENTRIES = Object.entries(IMAGE_ROLES) as [ImageRole, ImageField][];

function imagesOf(input: PassUpdateInput): CanonicalPass['images'] {
  const images: CanonicalPass['images'] = {};
  for (const [role, field] of IMAGE_ROLE_ENTRIES) {
    const source = input[field];
    if (source) images[role] = source;
  }
  return images;
}

/** Tags in canonical case; languages without entries are dropped (they would change nothing). */
function translationsOf(translations: PassUpdateInput['translations']): CanonicalPass['translations'] {
  if (!translations) return undefined;
  let canonical: NonNullable<CanonicalPass['translations']> | undefined;
  for (const tag in translations) {
    const table = translations[tag]!;
    if (!hasEntries(table)) continue;
    canonical ??= {};
    canonical[canonicalLanguageTag(tag)] = table;
  }
  return canonical;
}

function hasEntries(table: object): boolean {
  for (const _ in table) return true;
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.length === 0 ? undefined : value;
}

function setIfPresent<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function dropUndefinedDeep<T extends object>(value: T): T {
  const result = {} as T;
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue;
    result[key] = item !== null && typeof item === 'object' && !Array.isArray(item) ? (dropUndefinedDeep(item) as T[typeof key]) : item;
  }
  return result;
}

function dropUndefined<T extends object>(value: T): T {
  const result = {} as T;
  for (const key in value) if (value[key] !== undefined) result[key] = value[key];
  return result;
}
