import { z } from 'zod';
import { compareDateTimes, isoDateTime } from './date-time';
import { unlessMissing } from './issue-messages';
import { LIMITS, PASS_STYLES, TRANSIT_TYPES } from './limits';
import { text } from './text';

/**
 * (extension) The structured data of event tickets and boarding passes. Apple gets it as semantic
 * tags (what Siri, Maps and the lock screen read), Google as its event ticket, flight and transit
 * classes and objects; the fields the pass shows stay the caller's.
 * @see https://developer.apple.com/documentation/walletpasses/semantictags
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags
 */

const oneOf = (values: readonly string[]) => ({ error: unlessMissing(`must be one of ${values.join(', ')}`) });

const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);

export const passStyleSchema = z.enum(PASS_STYLES, oneOf(PASS_STYLES)).meta({
  id: 'PassStyle',
  description: '(extension) the pass style; without it a pass with a strip image is a storeCard and any other a generic pass',
});

export const transitTypeSchema = z.enum(TRANSIT_TYPES, oneOf(TRANSIT_TYPES)).meta({ id: 'TransitType' });

export const venueSchema = z
  .strictObject({
    name: text(LIMITS.placeName, { nonEmpty: true }),
    address: text(LIMITS.address).optional(),
    latitude: latitude.optional(),
    longitude: longitude.optional(),
    entrance: text(LIMITS.shortText).optional().meta({ description: 'the entrance to use, e.g. "Gate B"' }),
  })
  .superRefine(bothOrNeither('latitude', 'longitude'))
  .meta({ id: 'EventVenue' });

export const seatSchema = z
  .strictObject({
    section: text(LIMITS.shortText).optional(),
    row: text(LIMITS.shortText).optional(),
    number: text(LIMITS.shortText).optional(),
    type: text(LIMITS.shortText).optional().meta({ description: 'e.g. "Standing", "Box"' }),
  })
  .meta({ id: 'EventSeat' });

export const ticketEventSchema = z
  .strictObject({
    name: text(LIMITS.eventName, { nonEmpty: true }),
    startsAt: isoDateTime,
    endsAt: isoDateTime.optional(),
    doorsOpenAt: isoDateTime.optional(),
    venue: venueSchema,
    seat: seatSchema.optional(),
    performers: z
      .array(text(LIMITS.eventName, { nonEmpty: true }))
      .max(LIMITS.performers, { error: `must have at most ${LIMITS.performers} items` })
      .optional(),
    admissionLevel: text(LIMITS.shortText).optional().meta({ description: 'e.g. "General admission", "VIP"' }),
  })
  .superRefine((event, ctx) => {
    if (event.endsAt !== undefined && compareDateTimes(event.endsAt, event.startsAt) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (event.doorsOpenAt !== undefined && compareDateTimes(event.doorsOpenAt, event.startsAt) > 0) {
      ctx.addIssue({ code: 'custom', path: ['doorsOpenAt'], message: 'must not be after startsAt' });
    }
  })
  .meta({ id: 'TicketEvent', description: '(extension) the event of an eventTicket' });

const stopShape = {
  code: text(LIMITS.stopCode).optional().meta({ description: 'airport (IATA, 3 letters) or station code' }),
  name: text(LIMITS.placeName, { nonEmpty: true }),
  terminal: text(LIMITS.shortText).optional(),
  gate: text(LIMITS.shortText).optional(),
  platform: text(LIMITS.shortText).optional(),
};

export const tripSchema = z
  .strictObject({
    carrier: text(LIMITS.carrierName, { nonEmpty: true }).meta({ description: 'airline or operator name' }),
    carrierCode: text(LIMITS.stopCode).optional().meta({ description: 'airline IATA code, e.g. "LH"; required for air' }),
    number: text(LIMITS.shortText).optional().meta({ description: 'flight or route number; required for air' }),
    origin: z.strictObject({ ...stopShape, departsAt: isoDateTime }).meta({ id: 'TripOrigin' }),
    destination: z.strictObject({ ...stopShape, arrivesAt: isoDateTime.optional() }).meta({ id: 'TripDestination' }),
    boardsAt: isoDateTime.optional(),
    passenger: text(LIMITS.personName, { nonEmpty: true }),
    seat: text(LIMITS.shortText).optional(),
    boardingGroup: text(LIMITS.shortText).optional(),
    cabin: text(LIMITS.shortText).optional().meta({ description: 'class of travel, e.g. "Economy"' }),
    confirmationNumber: text(LIMITS.shortText).optional(),
  })
  .superRefine((trip, ctx) => {
    const arrivesAt = trip.destination.arrivesAt;
    if (arrivesAt !== undefined && compareDateTimes(arrivesAt, trip.origin.departsAt) <= 0) {
      ctx.addIssue({ code: 'custom', path: ['destination', 'arrivesAt'], message: 'must be after origin.departsAt' });
    }
  })
  .meta({ id: 'Trip', description: '(extension) the journey of a boardingPass' });

export const pointsSchema = z
  .strictObject({
    balance: z.number().min(LIMITS.pointsMin).max(LIMITS.pointsMax),
    label: text(LIMITS.fieldLabel).optional().meta({ description: 'default POINTS' }),
  })
  .meta({ id: 'PointsBalance', description: '(extension) a storeCard loyalty balance: a header field on Apple, Google loyalty points' });

export type PassStyleName = z.infer<typeof passStyleSchema>;
export type TransitType = z.infer<typeof transitTypeSchema>;
export type TicketEvent = z.infer<typeof ticketEventSchema>;
export type Trip = z.infer<typeof tripSchema>;
export type PointsBalance = z.infer<typeof pointsSchema>;

export const passStyleShape = {
  style: passStyleSchema.optional(),
  transitType: transitTypeSchema.optional().meta({ description: '(extension) required with style boardingPass' }),
  event: ticketEventSchema.optional(),
  trip: tripSchema.optional(),
  points: pointsSchema.optional(),
};

interface StyledBody {
  style?: PassStyleName | undefined;
  transitType?: TransitType | undefined;
  event?: TicketEvent | undefined;
  trip?: Trip | undefined;
  points?: PointsBalance | undefined;
  primaryFields?: unknown[] | undefined;
}

/** What belongs to which style, as errors: data a style cannot show would be silently lost. */
export function checkStyleRules(body: StyledBody, ctx: z.RefinementCtx): void {
  const style = body.style;
  const only = (property: 'transitType' | 'event' | 'trip' | 'points', wanted: PassStyleName) => {
    if (body[property] !== undefined && style !== wanted) {
      ctx.addIssue({ code: 'custom', path: [property], message: `is only used with style ${wanted}` });
    }
  };
  only('transitType', 'boardingPass');
  only('trip', 'boardingPass');
  only('event', 'eventTicket');
  only('points', 'storeCard');
  if (style === 'boardingPass') {
    if (body.transitType === undefined)
      ctx.addIssue({ code: 'custom', path: ['transitType'], message: 'is required for style boardingPass' });
    if (body.trip === undefined) ctx.addIssue({ code: 'custom', path: ['trip'], message: 'is required for style boardingPass' });
    if (body.trip && body.transitType === 'air') checkFlight(body.trip, ctx);
  }
  if (style === 'eventTicket' && body.event === undefined) {
    ctx.addIssue({ code: 'custom', path: ['event'], message: 'is required for style eventTicket' });
  }
  const primaryMax = style === 'boardingPass' ? LIMITS.boardingPassPrimaryFields : LIMITS.primaryFields;
  if ((body.primaryFields?.length ?? 0) > primaryMax) {
    ctx.addIssue({ code: 'custom', path: ['primaryFields'], message: `must have at most ${primaryMax} items` });
  }
}

const IATA_AIRPORT = /^[A-Z]{3}$/;
const IATA_CARRIER = /^[A-Z0-9]{2,3}$/;

/** Google's flight class needs the IATA codes and the flight number; Apple's air tags want them too. */
function checkFlight(trip: Trip, ctx: z.RefinementCtx): void {
  const need = (ok: boolean, path: (string | number)[], message: string) => {
    if (!ok) ctx.addIssue({ code: 'custom', path: ['trip', ...path], message });
  };
  need(
    IATA_CARRIER.test(trip.carrierCode ?? ''),
    ['carrierCode'],
    'must be the airline IATA code (2–3 capital letters or digits) for air travel',
  );
  need(
    /^\d{1,4}[A-Z]?$/.test(trip.number ?? ''),
    ['number'],
    'must be the flight number without the airline code (e.g. "454") for air travel',
  );
  need(IATA_AIRPORT.test(trip.origin.code ?? ''), ['origin', 'code'], 'must be the airport IATA code (3 capital letters) for air travel');
  need(
    IATA_AIRPORT.test(trip.destination.code ?? ''),
    ['destination', 'code'],
    'must be the airport IATA code (3 capital letters) for air travel',
  );
}

function bothOrNeither(a: string, b: string) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if ((value[a] === undefined) !== (value[b] === undefined)) {
      const missing = value[a] === undefined ? a : b;
      ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${missing === a ? b : a} is given` });
    }
  };
}
