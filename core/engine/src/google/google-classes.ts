import type { CanonicalPass } from '../normalise/canonical-pass';
import { googleImage, objectBase, type GoogleObjectContext } from './google-object';
import type { GoogleClassBase, GoogleImage, GoogleObjectBase } from './google-types';
import { classKeyDigest, googleObjectIdIn, tenantClassStem, type GoogleVertical } from './google-verticals';
import type { FieldGroup } from '../schema/limits';

/** What rendering a pass for one of Google's verticals needs besides the pass. */
export interface GooglePassContext extends Omit<GoogleObjectContext, 'classId' | 'objectId'> {
  tenantId: string;
  /** Where Google posts save and delete callbacks; set on every class. */
  callbackUrl?: string;
  /** A public logo for the classes that require one (transit, loyalty) when the pass has no icon or logo. */
  defaultLogoUrl: string;
}

/** Every field group, in Wallet's order: the verticals show their structured data up top, the fields below. */
const ALL_TEXT_GROUPS: readonly FieldGroup[] = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields'];

/**
 * A class id: `<issuer>.passmint_<tenant>_<vertical>[_<key>]`. `key` names what the class is
 * about when one tenant needs several (an event, a flight, an offer, a kind of transit).
 */
export function verticalClassId(
  context: GooglePassContext,
  vertical: GoogleVertical,
  key?: readonly (string | undefined)[] | string,
): string {
  const stem = `${context.issuerId}.${tenantClassStem(context.tenantId)}_${vertical.toLowerCase()}`;
  if (key === undefined) return stem;
  return `${stem}_${typeof key === 'string' ? key : classKeyDigest(key)}`;
}

/** The parts every non-generic class has: id, issuer name, review status, callbacks. */
export function classBase(id: string, pass: CanonicalPass, context: GooglePassContext): GoogleClassBase {
  return {
    id,
    issuerName: pass.organizationName ?? context.organizationName,
    // Google approves classes written as UNDER_REVIEW at once, and asks updates to keep it.
    reviewStatus: 'UNDER_REVIEW',
    ...(context.callbackUrl ? { callbackOptions: { url: context.callbackUrl } } : {}),
  };
}

/** The object parts every vertical shares, with this vertical's object id and the class given. */
export function verticalObjectBase(
  pass: CanonicalPass,
  context: GooglePassContext,
  vertical: GoogleVertical,
  classId: string,
): { base: GoogleObjectBase; warnings: string[] } {
  const objectId = googleObjectIdIn(vertical, context.issuerId, context.serialNumber);
  return objectBase(pass, { ...context, classId, objectId }, ALL_TEXT_GROUPS);
}

/** The pass's icon (else logo) as a Google logo, if it has one. */
export function passLogo(pass: CanonicalPass, context: GooglePassContext): GoogleImage | undefined {
  const uri = context.imageUrls.icon ?? context.imageUrls.logo;
  return uri ? googleImage(uri, pass.logoText ?? pass.organizationName ?? context.organizationName) : undefined;
}

/** A logo Google requires: the pass's, else the default one. */
export function requiredLogo(pass: CanonicalPass, context: GooglePassContext): GoogleImage {
  return passLogo(pass, context) ?? googleImage(context.defaultLogoUrl, pass.organizationName ?? context.organizationName);
}

export function withColor<T extends object>(value: T, pass: CanonicalPass): T & { hexBackgroundColor?: string } {
  return pass.backgroundColor ? { ...value, hexBackgroundColor: pass.backgroundColor } : value;
}
