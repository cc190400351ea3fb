import { createHash } from 'node:crypto';
import type { CanonicalPass } from '../normalise/canonical-pass';

/**
 * Google Wallet's pass types ("verticals"). Each has its own class and object collections in the
 * REST API and its own keys in a save link's payload.
 * @see https://developers.google.com/wallet/reference/rest/v1/Jwt
 */
export const GOOGLE_VERTICALS = ['generic', 'eventTicket', 'flight', 'transit', 'offer', 'loyalty'] as const;
export type GoogleVertical = (typeof GOOGLE_VERTICALS)[number];

/**
 * Which vertical a pass becomes: event tickets, flights (air boarding passes), other boarding
 * passes (transit), coupons (offers), store cards with a points balance (loyalty); everything
 * else, store cards without points included, stays the generic pass it has always been.
 */
export function googleVerticalOf(pass: CanonicalPass): GoogleVertical {
  switch (pass.style) {
    case 'eventTicket':
      return 'eventTicket';
    case 'boardingPass':
      return pass.transitType === 'air' ? 'flight' : 'transit';
    case 'coupon':
      return 'offer';
    case 'storeCard':
      return pass.points ? 'loyalty' : 'generic';
    default:
      return 'generic';
  }
}

/** The REST collections of a vertical: `eventTicketClass`, `eventTicketObject`, … */
export function googleCollections(vertical: GoogleVertical): { classes: string; objects: string } {
  return { classes: `${vertical}Class`, objects: `${vertical}Object` };
}

/** The save link payload keys of a vertical: `eventTicketClasses`, `eventTicketObjects`, … */
export function googlePayloadKeys(vertical: GoogleVertical): { classes: string; objects: string } {
  return { classes: `${vertical}Classes`, objects: `${vertical}Objects` };
}

/**
 * Object ids are unique across all of an issuer's objects, whatever their vertical, so a pass
 * that changes style needs a new id in its new vertical. The generic object keeps the id passes
 * have always had (`<issuer>.<serial>`); the others add the vertical (`<issuer>.<serial>.flight`).
 * The id of a pass in a vertical never changes, so changing style back reuses the old object.
 */
export function googleObjectIdIn(vertical: GoogleVertical, issuerId: string, serialNumber: string): string {
  const base = `${issuerId}.${serialNumber}`;
  return vertical === 'generic' ? base : `${base}.${vertical.toLowerCase()}`;
}

/**
 * The serials an object id (without its `<issuer>.`) may stand for, the plain serial first:
 * `abc.flight` is pass `abc.flight`'s generic object or pass `abc`'s flight object.
 */
export function serialCandidatesOf(objectSuffix: string): string[] {
  const candidates = [objectSuffix];
  for (const vertical of GOOGLE_VERTICALS) {
    const ending = `.${vertical.toLowerCase()}`;
    if (vertical !== 'generic' && objectSuffix.endsWith(ending) && objectSuffix.length > ending.length) {
      candidates.push(objectSuffix.slice(0, -ending.length));
    }
  }
  return candidates;
}

/** The id part a tenant's classes share: `passmint_<tenant>`. */
export function tenantClassStem(tenantId: string): string {
  return `passmint_${tenantId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

/**
 * A short, stable digest of what makes a class distinct (an event, a flight, an offer), so passes
 * for the same one share a class and the id stays well inside Google's limits.
 */
export function classKeyDigest(parts: readonly (string | undefined)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}
