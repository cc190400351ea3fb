import type { CanonicalPass } from '../normalise/canonical-pass';
import type { BarcodeFormat } from '../schema/limits';
import type { PassStyle } from './pass-json';

/**
 * "Coupons, store cards, and generic passes with a square barcode can have a combined total of up
 * to four secondary and auxiliary fields." A generic pass with a rectangular barcode (or none)
 * shows up to four of each, which the schema already enforces.
 * @see https://developer.apple.com/documentation/walletpasses/passfields/secondaryfields-data.dictionary
 * @see https://developer.apple.com/documentation/walletpasses/passfields/auxiliaryfields-data.dictionary
 */
export const MAX_COMBINED_SECONDARY_AUXILIARY = 4;

const SQUARE_BARCODES: ReadonlySet<BarcodeFormat> = new Set(['QR', 'Aztec']);

/**
 * A warning naming the secondary and auxiliary fields beyond what Wallet shows on the front of
 * this pass's layout; none when they all fit.
 */
export function fieldCapacityWarnings(pass: CanonicalPass, style: PassStyle): string[] {
  const layout = combinedLimitLayout(pass, style);
  const count = pass.fields.secondaryFields.length + pass.fields.auxiliaryFields.length;
  if (!layout || count <= MAX_COMBINED_SECONDARY_AUXILIARY) return [];
  const paths = [
    ...pass.fields.secondaryFields.map((_, index) => `secondaryFields.${index}`),
    ...pass.fields.auxiliaryFields.map((_, index) => `auxiliaryFields.${index}`),
  ];
  const beyond = paths.slice(MAX_COMBINED_SECONDARY_AUXILIARY);
  return [
    `Wallet shows at most ${MAX_COMBINED_SECONDARY_AUXILIARY} secondary and auxiliary fields together on ${layout}; this pass has ${paths.length}, so ${beyond.join(', ')} may not be shown`,
  ];
}

/**
 * How the layout that has the combined limit reads in a warning; null for a layout without it.
 * Event tickets and boarding passes show a full row of each (Apple: an event pass may add "an extra
 * row of up to four auxiliary fields"), which the schema's per-group limits already hold to.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags
 */
function combinedLimitLayout(pass: CanonicalPass, style: PassStyle): string | null {
  if (style === 'storeCard') return 'a store card';
  if (style === 'coupon') return 'a coupon';
  if (style === 'generic' && pass.barcode && SQUARE_BARCODES.has(pass.barcode.format)) {
    return `a generic pass with a square (${pass.barcode.format}) barcode`;
  }
  return null;
}
