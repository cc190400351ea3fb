import type { CanonicalPass } from '../normalise/canonical-pass';
import type { PointsBalance } from '../schema/pass-styles';
import {
  classBase,
  passLogo,
  requiredLogo,
  verticalClassId,
  verticalObjectBase,
  withColor,
  type GooglePassContext,
} from './google-classes';
import { localized } from './google-object';
import type { GoogleLoyaltyClass, GoogleLoyaltyObject, GoogleOfferClass, GoogleOfferObject } from './google-types';

/** Apple's default label for a points balance, and ours. */
const DEFAULT_POINTS_LABEL = 'POINTS';

/**
 * A coupon: the offer's title (the primary field, else the description) and provider live on a
 * class shared by every coupon with the same title; each coupon's code is its object's barcode.
 * Offer objects have no colour of their own, so the class carries it.
 * @see https://developers.google.com/wallet/reference/rest/v1/offerclass
 * @see https://developers.google.com/wallet/reference/rest/v1/offerobject
 */
export function renderOffer(
  pass: CanonicalPass,
  context: GooglePassContext,
): { class: GoogleOfferClass; object: GoogleOfferObject; warnings: string[] } {
  const provider = pass.organizationName ?? context.organizationName;
  const title = pass.fields.primaryFields[0]?.value ?? pass.description ?? pass.logoText ?? provider;
  // A code to scan is redeemed at the till; without one the coupon is a code to type in online.
  const redemptionChannel = pass.barcode ? 'INSTORE' : 'ONLINE';
  const classId = verticalClassId(context, 'offer', [title, provider, redemptionChannel]);
  const titleImage = passLogo(pass, context);
  const klass: GoogleOfferClass = withColor(
    {
      ...classBase(classId, pass, context),
      title,
      localizedTitle: localized(title),
      provider,
      redemptionChannel,
      ...(titleImage ? { titleImage } : {}),
    },
    pass,
  );
  const { base, warnings } = verticalObjectBase(pass, context, 'offer', classId);
  return { class: klass, object: base, warnings };
}

/**
 * A store card with a points balance: one loyalty class per tenant (Google requires its program
 * logo), the balance on each member's object, where Google can notify about a change itself.
 * @see https://developers.google.com/wallet/reference/rest/v1/loyaltyclass
 * @see https://developers.google.com/wallet/reference/rest/v1/loyaltyobject
 */
export function renderLoyalty(
  pass: CanonicalPass & { points: PointsBalance },
  context: GooglePassContext,
): { class: GoogleLoyaltyClass; object: GoogleLoyaltyObject; warnings: string[] } {
  const programName = pass.logoText ?? pass.organizationName ?? context.organizationName;
  const classId = verticalClassId(context, 'loyalty');
  const klass: GoogleLoyaltyClass = withColor(
    {
      ...classBase(classId, pass, context),
      programName,
      localizedProgramName: localized(programName),
      programLogo: requiredLogo(pass, context),
    },
    pass,
  );
  const { base, warnings } = verticalObjectBase(pass, context, 'loyalty', classId);
  const label = pass.points.label ?? DEFAULT_POINTS_LABEL;
  const { balance } = pass.points;
  // Google keeps `int` as a 32-bit integer; the schema's bounds keep whole balances inside it.
  const object: GoogleLoyaltyObject = {
    ...base,
    loyaltyPoints: { label, localizedLabel: localized(label), balance: Number.isInteger(balance) ? { int: balance } : { double: balance } },
  };
  return { class: klass, object, warnings };
}
