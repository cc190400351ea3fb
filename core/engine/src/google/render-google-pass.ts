import type { CanonicalPass } from '../normalise/canonical-pass';
import type { GooglePassContext } from './google-classes';
import { renderEventTicket } from './event-ticket-pass';
import { googleClassId, renderGenericObject, renderGoogleClass } from './google-object';
import type {
  GoogleEventTicketClass,
  GoogleEventTicketObject,
  GoogleFlightClass,
  GoogleFlightObject,
  GoogleGenericClass,
  GoogleGenericObject,
  GoogleLoyaltyClass,
  GoogleLoyaltyObject,
  GoogleOfferClass,
  GoogleOfferObject,
  GoogleTransitClass,
  GoogleTransitObject,
} from './google-types';
import { googleVerticalOf } from './google-verticals';
import { renderLoyalty, renderOffer } from './offer-and-loyalty-passes';
import { localizeGoogleResource } from './translations';
import { renderFlight, renderTransit } from './travel-passes';

interface Rendered<V extends string, C, O> {
  vertical: V;
  class: C;
  object: O;
  /** What Google will not show (text fields past its 10). */
  warnings: string[];
}

/** A pass as Google Wallet holds it: its vertical, its class and its object. */
export type RenderedGooglePass =
  | Rendered<'generic', GoogleGenericClass, GoogleGenericObject>
  | Rendered<'eventTicket', GoogleEventTicketClass, GoogleEventTicketObject>
  | Rendered<'flight', GoogleFlightClass, GoogleFlightObject>
  | Rendered<'transit', GoogleTransitClass, GoogleTransitObject>
  | Rendered<'offer', GoogleOfferClass, GoogleOfferObject>
  | Rendered<'loyalty', GoogleLoyaltyClass, GoogleLoyaltyObject>;

/**
 * The Google Wallet class and object of a pass, in the vertical its style maps to
 * (googleVerticalOf). Generic passes keep today's tenant class and object id exactly.
 * @see https://developers.google.com/wallet/reference/rest/v1
 */
export function renderGooglePass(pass: CanonicalPass, context: GooglePassContext): RenderedGooglePass {
  const rendered = renderInVertical(pass, context);
  // Every LocalizedString, in class and object, in the pass's default language with its translations.
  return {
    ...rendered,
    class: localizeGoogleResource(rendered.class, pass),
    object: localizeGoogleResource(rendered.object, pass),
  } as RenderedGooglePass;
}

function renderInVertical(pass: CanonicalPass, context: GooglePassContext): RenderedGooglePass {
  const vertical = googleVerticalOf(pass);
  if (vertical === 'eventTicket' && pass.event) return { vertical, ...renderEventTicket({ ...pass, event: pass.event }, context) };
  if (vertical === 'flight' && pass.trip) return { vertical, ...renderFlight({ ...pass, trip: pass.trip }, context) };
  if (vertical === 'transit' && pass.trip) return { vertical, ...renderTransit({ ...pass, trip: pass.trip }, context) };
  if (vertical === 'offer') return { vertical, ...renderOffer(pass, context) };
  if (vertical === 'loyalty' && pass.points) return { vertical, ...renderLoyalty({ ...pass, points: pass.points }, context) };
  const classId = googleClassId(context.issuerId, context.tenantId);
  const { object, warnings } = renderGenericObject(pass, { ...context, classId });
  return { vertical: 'generic', class: renderGoogleClass(classId, context.callbackUrl), object, warnings };
}
