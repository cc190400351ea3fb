import type { CanonicalPass } from '../normalise/canonical-pass';
import { LIMITS } from '../schema/limits';
import type { RenderedField } from './default-fields';

export const POINTS_FIELD_KEY = 'points';
const DEFAULT_POINTS_LABEL = 'POINTS';

/** Shared by every pass without points: nothing adds to its warnings. */
const NO_POINTS_FIELD: PointsHeaderField = Object.freeze({ warnings: Object.freeze([]) });

interface PointsHeaderField {
  field?: RenderedField;
  warnings: readonly string[];
}

/**
 * A store card's `points` balance as a header field keyed `points`, so it shows on the front
 * (header fields also stay visible when passes are stacked). Not added when the caller already has
 * a field with that key (theirs is the balance they want shown), nor when the header is full. A
 * number value lets Wallet format it for the phone's locale.
 * @see https://developer.apple.com/documentation/walletpasses/passfields/headerfields-data.dictionary
 */
export function pointsHeaderField(pass: CanonicalPass): PointsHeaderField {
  if (pass.style !== 'storeCard' || !pass.points) return NO_POINTS_FIELD;
  const keys = Object.values(pass.fields).flatMap((fields) => fields.map((field) => field.key));
  if (keys.includes(POINTS_FIELD_KEY)) return { warnings: [] };
  if (pass.fields.headerFields.length >= LIMITS.headerFields) {
    return {
      warnings: [`the header already has ${LIMITS.headerFields} fields, so the points balance is not shown on the Apple pass`],
    };
  }
  return { field: { key: POINTS_FIELD_KEY, label: pass.points.label ?? DEFAULT_POINTS_LABEL, value: pass.points.balance }, warnings: [] };
}
