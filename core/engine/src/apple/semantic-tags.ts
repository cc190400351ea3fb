import type { CanonicalPass } from '../normalise/canonical-pass';
import type { TicketEvent, TransitType, Trip } from '../schema/pass-styles';

/**
 * Apple's machine-readable tags for an event ticket or a boarding pass: what Siri, Maps, the lock
 * screen and the iOS 18+ event and flight layouts read. The fields the pass shows stay the caller's.
 * Dates keep the offset they were given in (the local time of the venue or the stop), which the
 * W3C date-time format Apple asks for allows.
 * @see https://developer.apple.com/documentation/walletpasses/semantictags
 * @see https://developer.apple.com/documentation/walletpasses/semantictagtype
 * @see https://developer.apple.com/documentation/walletpasses/supporting-semantic-tags-in-wallet-passes
 */
export type SemanticTags = Record<string, unknown>;

/** Apple's PersonNameComponents; only the parts we can know from one name string. */
export interface PersonNameComponents {
  givenName?: string;
  familyName?: string;
}

/** The `semantics` dictionary of a pass, or undefined when it has no structured data. */
export function semanticTagsOf(pass: CanonicalPass): SemanticTags | undefined {
  if (pass.style === 'eventTicket' && pass.event) return eventSemantics(pass.event);
  if (pass.style === 'boardingPass' && pass.trip) return tripSemantics(pass.trip, pass.transitType ?? 'generic');
  return undefined;
}

/**
 * Written tag by tag, in Apple's order, rather than through `compact`: every ticket of an event
 * goes through here, and a loop over names stores each tag the slow, generic way.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-event-pass-using-semantic-tags
 */
export function eventSemantics(event: TicketEvent): SemanticTags {
  const { venue, seat } = event;
  const performers = event.performers ?? [];
  const tags: SemanticTags = {
    // Without a kind of event in the body, performers are the one hint there is: a show.
    eventType: performers.length > 0 ? 'PKEventTypeLivePerformance' : 'PKEventTypeGeneric',
    eventName: event.name,
    eventStartDate: event.startsAt,
  };
  if (event.endsAt !== undefined) tags.eventEndDate = event.endsAt;
  tags.venueName = venue.name;
  if (venue.latitude !== undefined) tags.venueLocation = { latitude: venue.latitude, longitude: venue.longitude };
  if (venue.entrance !== undefined) tags.venueEntrance = venue.entrance;
  if (event.doorsOpenAt !== undefined) tags.venueDoorsOpenDate = event.doorsOpenAt;
  if (performers.length > 0) tags.performerNames = performers;
  if (event.admissionLevel !== undefined) tags.admissionLevel = event.admissionLevel;
  if (seat && hasAny(seat)) tags.seats = [seatTags(seat)];
  return tags;
}

function seatTags(seat: NonNullable<TicketEvent['seat']>): SemanticTags {
  const tags: SemanticTags = {};
  if (seat.section !== undefined) tags.seatSection = seat.section;
  if (seat.row !== undefined) tags.seatRow = seat.row;
  if (seat.number !== undefined) tags.seatNumber = seat.number;
  if (seat.type !== undefined) tags.seatType = seat.type;
  return tags;
}

/**
 * Air passes get the airline tags (IATA codes, flight code and number); the other transit types
 * name stations. Both get the schedule as original and current dates, each the body's times: the
 * canonical pass keeps no earlier schedule to tell a delay from a plan.
 * @see https://developer.apple.com/documentation/walletpasses/creating-an-airline-boarding-pass-using-semantic-tags
 */
export function tripSemantics(trip: Trip, transitType: TransitType): SemanticTags {
  const air = transitType === 'air';
  const { origin, destination } = trip;
  return compact({
    transitProvider: trip.carrier,
    airlineCode: air ? trip.carrierCode : undefined,
    flightCode: air && trip.carrierCode && trip.number ? `${trip.carrierCode}${trip.number}` : undefined,
    // Apple types flightNumber as a number; a suffixed one ("454A") only fits flightCode.
    flightNumber: air && trip.number && /^\d+$/.test(trip.number) ? Number(trip.number) : undefined,
    vehicleNumber: air ? undefined : trip.number,
    ...stopTags('departure', origin, air),
    ...stopTags('destination', destination, air),
    originalDepartureDate: origin.departsAt,
    currentDepartureDate: origin.departsAt,
    originalArrivalDate: destination.arrivesAt,
    currentArrivalDate: destination.arrivesAt,
    originalBoardingDate: trip.boardsAt,
    currentBoardingDate: trip.boardsAt,
    duration: destination.arrivesAt === undefined ? undefined : journeySeconds(origin.departsAt, destination.arrivesAt),
    boardingGroup: trip.boardingGroup,
    // "A localizable string that denotes the ticket class … displays as a badge" (iOS 26).
    ticketFareClass: trip.cabin,
    passengerName: personNameComponents(trip.passenger),
    seats: trip.seat === undefined ? undefined : [{ seatNumber: trip.seat }],
    confirmationNumber: trip.confirmationNumber,
  });
}

type Stop = Trip['origin'] | Trip['destination'];

function stopTags(prefix: 'departure' | 'destination', stop: Stop, air: boolean): SemanticTags {
  return {
    [`${prefix}AirportCode`]: air ? stop.code : undefined,
    [`${prefix}AirportName`]: air ? stop.name : undefined,
    [`${prefix}StationName`]: air ? undefined : stop.name,
    [`${prefix}Terminal`]: stop.terminal,
    [`${prefix}Gate`]: stop.gate,
    [`${prefix}Platform`]: stop.platform,
  };
}

/**
 * One name string as PersonNameComponents. Boarding passes print names as `FAMILY/GIVEN`, so a
 * slash splits there; otherwise the last word is taken as the family name, which is right for most
 * Western names and harmless elsewhere (Wallet shows the parts joined again).
 */
export function personNameComponents(name: string): PersonNameComponents {
  const trimmed = name.trim();
  const slash = trimmed.indexOf('/');
  if (slash > 0 && slash < trimmed.length - 1) {
    return { familyName: trimmed.slice(0, slash).trim(), givenName: trimmed.slice(slash + 1).trim() };
  }
  const words = trimmed.split(/\s+/);
  if (words.length < 2) return { givenName: trimmed };
  return { givenName: words.slice(0, -1).join(' '), familyName: words[words.length - 1]! };
}

function journeySeconds(departsAt: string, arrivesAt: string): number {
  return Math.round((Date.parse(arrivesAt) - Date.parse(departsAt)) / 1000);
}

function hasAny(seat: NonNullable<TicketEvent['seat']>): boolean {
  return seat.section !== undefined || seat.row !== undefined || seat.number !== undefined || seat.type !== undefined;
}

/** Drops undefined entries so pass.json only carries the tags there is data for. */
function compact(tags: Record<string, unknown>): SemanticTags {
  const present: SemanticTags = {};
  for (const key in tags) if (tags[key] !== undefined) present[key] = tags[key];
  return present;
}
