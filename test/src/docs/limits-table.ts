import {
  BARCODE_FORMATS,
  FIELD_GROUPS,
  IMAGE_FIELDS,
  LIMITS,
  PASS_STYLES,
  TRANSIT_TYPES,
  passBodyJsonSchemas,
} from '@passmint/engine/schema';

type Limits = typeof LIMITS;
type JsonObject = { properties: Record<string, { minimum?: number; maximum?: number; pattern?: string }> };

/**
 * The table of the pass body's limits, every number taken from `LIMITS` or the schema itself, so the
 * docs say what the server enforces. `limits` is a parameter so a test can see that every limit is
 * shown.
 */
export function renderLimitsTable(limits: Limits = LIMITS): string {
  const location = definitionOf('PassLocation');
  const fieldKey = definitionOf('PassField').properties.key;
  const groupNames = FIELD_GROUPS.map((group) => group.replace(/Fields$/, ''));
  const rows: [string, string][] = [
    [
      '`barcodeValue`',
      `1 to ${count(limits.barcodeValue)} characters; Code128: at most ${count(limits.barcodeValueCode128)} printable ASCII characters`,
    ],
    ['`barcodeFormat`', BARCODE_FORMATS.map((format) => `\`${format}\``).join(', ')],
    ['`barcodeAltText`', `${count(limits.barcodeAltText)} characters`],
    [
      '`organizationName` / `logoText` / `description`',
      `${count(limits.organizationName)} / ${count(limits.logoText)} / ${count(limits.description)} characters`,
    ],
    [
      'field rows',
      `${groupNames.map((name) => `${name} ≤ ${count(limits[`${name}Fields` as keyof Limits])}`).join(', ')} fields ` +
        `(primary ≤ ${count(limits.boardingPassPrimaryFields)} on a \`boardingPass\`); ` +
        `label ≤ ${count(limits.fieldLabel)}, value ≤ ${count(limits.fieldValue)} (back: ${count(limits.backFieldValue)}), ` +
        `changeMessage ≤ ${count(limits.changeMessage)} characters; ` +
        `keys \`${characterClassOf(fieldKey?.pattern)}\`, ≤ ${count(limits.fieldKey)}, unique across the pass`,
    ],
    [
      '`locations`',
      `≤ ${count(limits.locations)}; latitude ${range(location.properties.latitude)}, longitude ${range(location.properties.longitude)}, ` +
        `altitude ${count(limits.altitudeMin)}..${count(limits.altitudeMax)} m, relevantText ≤ ${count(limits.relevantText)}`,
    ],
    [
      `images (${IMAGE_FIELDS.map((field) => `\`${field}\``).join(', ')})`,
      `HTTPS URL (≤ ${count(limits.imageUrl)} characters) or \`data:image/png;base64,…\` of a real PNG ≤ ${bytes(limits.imageBytes)} ` +
        `and ≤ ${limits.imageDimension}×${limits.imageDimension} pixels`,
    ],
    ['`expirationDays`', `integer ${limits.expirationDaysMin}..${limits.expirationDaysMax}`],
    [
      '`style` / `transitType`',
      `${PASS_STYLES.map((style) => `\`${style}\``).join(', ')} / ${TRANSIT_TYPES.map((type) => `\`${type}\``).join(', ')}`,
    ],
    [
      '`event`',
      `name ≤ ${count(limits.eventName)}, venue name ≤ ${count(limits.placeName)}, address ≤ ${count(limits.address)}, ` +
        `≤ ${count(limits.performers)} performers of ≤ ${count(limits.eventName)}, seat parts and admission level ≤ ${count(limits.shortText)} characters`,
    ],
    [
      '`trip`',
      `carrier ≤ ${count(limits.carrierName)}, carrier and stop codes ≤ ${count(limits.stopCode)}, stop names ≤ ${count(limits.placeName)}, ` +
        `passenger ≤ ${count(limits.personName)}, number, seat, gate, terminal, platform, group, cabin, confirmation ≤ ${count(limits.shortText)} characters`,
    ],
    ['`points.balance`', `${count(limits.pointsMin)}..${count(limits.pointsMax)}`],
    [
      '`defaultLanguage` / `translations`',
      `BCP 47 tag ≤ ${count(limits.languageTag)} characters; ≤ ${count(limits.translationLanguages)} languages of ` +
        `≤ ${count(limits.translationsPerLanguage)} entries, each text ≤ ${count(limits.backFieldValue)} characters`,
    ],
    [
      'legacy `title` / `cardLabel` / `label` / `value`',
      `${count(limits.legacyText)} / ${count(limits.fieldLabel)} / ${count(limits.fieldLabel)} / ${count(limits.legacyText)} characters`,
    ],
    [
      'all text',
      'well-formed Unicode (no lone surrogates), no control characters except tab and line breaks, no bidirectional embedding, ' +
        'override or isolate characters (U+202A–U+202E, U+2066–U+2069; the marks U+200E, U+200F and U+061C are fine)',
    ],
    [
      'lengths',
      "count Unicode code points, as JSON Schema's `maxLength` in `/openapi.json` does: most letters and emoji are one, but a flag is " +
        'two, and a joined or skin-toned emoji counts each part and joiner (👍🏽 is two, 👨‍👩‍👧 five)',
    ],
  ];
  return ['| what | limit |', '|---|---|', ...rows.map(([what, limit]) => `| ${what} | ${limit} |`)].join('\n');
}

/** A definition of the POST body's JSON Schema (what /openapi.json publishes). */
function definitionOf(id: string): JsonObject {
  const definition = (passBodyJsonSchemas().create.$defs as Record<string, JsonObject> | undefined)?.[id];
  if (!definition) throw new Error(`the schema has no definition ${id}`);
  return definition;
}

/** `^[A-Za-z0-9_.-]+$` → `[A-Za-z0-9_.-]`: what one character of a key may be. */
function characterClassOf(pattern: string | undefined): string {
  const match = /^\^(\[[^\]]+\])\+\$$/.exec(pattern ?? '');
  if (!match) throw new Error(`unexpected field key pattern ${String(pattern)}`);
  return match[1]!;
}

function range(property: { minimum?: number; maximum?: number } | undefined): string {
  if (property?.minimum === undefined || property.maximum === undefined) throw new Error('a location bound is missing from the schema');
  return `${count(property.minimum)}..${count(property.maximum)}`;
}

/** 2048 → "2,048"; negative numbers with a real minus sign, as the docs print them. */
function count(value: number): string {
  const digits = Math.abs(value).toLocaleString('en-US');
  return value < 0 ? `−${digits}` : digits;
}

function bytes(value: number): string {
  const mib = 1024 * 1024;
  if (value % mib !== 0) throw new Error(`${value} bytes is not a whole number of MiB`);
  return `${value / mib} MiB`;
}
