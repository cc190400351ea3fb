/**
 * Every class and object Passmint renders, held against Google's own published types
 * (`@googleapis/walletobjects`). `tsc --noEmit` (run by `npm test`) fails when a property has the
 * wrong type, or when one Google does not know is written (a typo, or a field of another vertical);
 * the runtime part checks that a real render of each vertical is what the types say.
 * @see https://developers.google.com/wallet/reference/rest/v1
 */
import type { walletobjects_v1 } from '@googleapis/walletobjects';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { maximalStyleBody, EVERY_STYLE_BODIES, type EveryStyleName } from '../testing';
import type { GooglePassContext } from './google-classes';
import type * as Ours from './google-types';
import { renderGooglePass, type RenderedGooglePass } from './render-google-pass';

/** The property paths in `T` that Google's `U` does not have (never when all are known). */
type UnknownKeys<T, U, Path extends string = ''> = T extends readonly (infer E)[]
  ? NonNullable<U> extends readonly (infer F)[]
    ? UnknownKeys<E, F, `${Path}[]`>
    : Path
  : T extends object
    ? {
        [K in keyof T & string]: K extends keyof NonNullable<U> ? UnknownKeys<T[K], NonNullable<U>[K], `${Path}.${K}`> : `${Path}.${K}`;
      }[keyof T & string]
    : never;

/** Compiles only when every path of `T` is one of Google's and `T` is assignable to it. */
function matches<T extends U, U>(check: [UnknownKeys<T, U>] extends [never] ? true : UnknownKeys<T, U>): void {
  expect(check).toBe(true);
}

test('every class and object type is one of Google’s, property for property', () => {
  matches<Ours.GoogleGenericClass, walletobjects_v1.Schema$GenericClass>(true);
  matches<Ours.GoogleGenericObject, walletobjects_v1.Schema$GenericObject>(true);
  matches<Ours.GoogleEventTicketClass, walletobjects_v1.Schema$EventTicketClass>(true);
  matches<Ours.GoogleEventTicketObject, walletobjects_v1.Schema$EventTicketObject>(true);
  matches<Ours.GoogleFlightClass, walletobjects_v1.Schema$FlightClass>(true);
  matches<Ours.GoogleFlightObject, walletobjects_v1.Schema$FlightObject>(true);
  matches<Ours.GoogleTransitClass, walletobjects_v1.Schema$TransitClass>(true);
  matches<Ours.GoogleTransitObject, walletobjects_v1.Schema$TransitObject>(true);
  matches<Ours.GoogleOfferClass, walletobjects_v1.Schema$OfferClass>(true);
  matches<Ours.GoogleOfferObject, walletobjects_v1.Schema$OfferObject>(true);
  matches<Ours.GoogleLoyaltyClass, walletobjects_v1.Schema$LoyaltyClass>(true);
  matches<Ours.GoogleLoyaltyObject, walletobjects_v1.Schema$LoyaltyObject>(true);
});

const context: GooglePassContext = {
  issuerId: '3388000000012345678',
  serialNumber: 'abc',
  tenantId: 'ten_abc',
  organizationName: 'Bayroast',
  imageUrls: { icon: 'https://passes.example/i/icon.png', strip: 'https://passes.example/i/strip.png' },
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  defaultLogoUrl: 'https://passes.example/google/default-logo.png',
};

/** The rendered pass as Google's types: a compile error here is a mismatch with Google. */
function asGoogle(rendered: RenderedGooglePass): { class: object; object: object } {
  switch (rendered.vertical) {
    case 'generic': {
      const klass: walletobjects_v1.Schema$GenericClass = rendered.class;
      const object: walletobjects_v1.Schema$GenericObject = rendered.object;
      return { class: klass, object };
    }
    case 'eventTicket': {
      const klass: walletobjects_v1.Schema$EventTicketClass = rendered.class;
      const object: walletobjects_v1.Schema$EventTicketObject = rendered.object;
      return { class: klass, object };
    }
    case 'flight': {
      const klass: walletobjects_v1.Schema$FlightClass = rendered.class;
      const object: walletobjects_v1.Schema$FlightObject = rendered.object;
      return { class: klass, object };
    }
    case 'transit': {
      const klass: walletobjects_v1.Schema$TransitClass = rendered.class;
      const object: walletobjects_v1.Schema$TransitObject = rendered.object;
      return { class: klass, object };
    }
    case 'offer': {
      const klass: walletobjects_v1.Schema$OfferClass = rendered.class;
      const object: walletobjects_v1.Schema$OfferObject = rendered.object;
      return { class: klass, object };
    }
    case 'loyalty': {
      const klass: walletobjects_v1.Schema$LoyaltyClass = rendered.class;
      const object: walletobjects_v1.Schema$LoyaltyObject = rendered.object;
      return { class: klass, object };
    }
  }
}

test.each(Object.keys(EVERY_STYLE_BODIES) as EveryStyleName[])('%s at its limits renders only what its types declare', (name) => {
  const parsed = parsePassInput(maximalStyleBody(name));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error.issues));
  const rendered = asGoogle(renderGooglePass(normalisePassInput(parsed.value), context));
  // No property is left undefined: what the types declare is what travels.
  for (const part of [rendered.class, rendered.object]) expect(JSON.parse(JSON.stringify(part))).toStrictEqual(part);
});
