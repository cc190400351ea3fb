import { isObject, type JsonObject } from './json-shape';
import type { PassStyle } from './pass-json-check';
import { inPassJson, type Problems } from './problems';

/**
 * How many fields of each front group Wallet lays out per style: 3 header, 1 primary (2 on a
 * boarding pass), 4 secondary and 4 auxiliary (5 on a boarding pass); coupons, store cards and
 * generic passes with a square barcode show 4 secondary and auxiliary fields together. Fields past
 * these are not shown, which Wallet does not treat as an error, so these are warnings.
 * @see https://developer.apple.com/documentation/walletpasses/passfields/auxiliaryfields-data.dictionary
 * @see https://developer.apple.com/documentation/walletpasses/pass/boardingpass-data.dictionary
 */
const GROUP_MAX: Record<string, (style: PassStyle) => number> = {
  headerFields: () => 3,
  primaryFields: (style) => (style === 'boardingPass' ? 2 : 1),
  secondaryFields: () => 4,
  auxiliaryFields: (style) => (style === 'boardingPass' ? 5 : 4),
};
const COMBINED_MAX = 4;
const SQUARE_FORMATS = ['PKBarcodeFormatQR', 'PKBarcodeFormatAztec'];

function count(fields: unknown): number {
  return Array.isArray(fields) ? fields.length : 0;
}

function hasSquareBarcode(pass: JsonObject): boolean {
  const first: unknown = Array.isArray(pass.barcodes) ? pass.barcodes[0] : pass.barcode;
  return isObject(first) && typeof first.format === 'string' && SQUARE_FORMATS.includes(first.format);
}

export function checkFieldCapacity(pass: JsonObject, style: PassStyle | undefined, problems: Problems): void {
  if (style === undefined || !isObject(pass[style])) return;
  const fields = pass[style] as JsonObject;
  for (const [group, maxOf] of Object.entries(GROUP_MAX)) {
    const max = maxOf(style);
    if (count(fields[group]) > max) {
      problems.warning(
        'fields_not_shown',
        `${style}.${group} has ${count(fields[group])} fields; Wallet shows at most ${max} on a ${style}.`,
        inPassJson(`${style}.${group}`),
      );
    }
  }
  const combined = count(fields.secondaryFields) + count(fields.auxiliaryFields);
  const limited = style === 'coupon' || style === 'storeCard' || (style === 'generic' && hasSquareBarcode(pass));
  if (limited && combined > COMBINED_MAX) {
    problems.warning(
      'fields_not_shown',
      `${style} has ${combined} secondary and auxiliary fields; Wallet shows at most ${COMBINED_MAX} together on this layout.`,
      inPassJson(style),
    );
  }
}
