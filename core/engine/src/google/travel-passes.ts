import type { CanonicalPass } from '../normalise/canonical-pass';
import type { TransitType, Trip } from '../schema/pass-styles';
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
import type { GoogleAirport, GoogleFlightClass, GoogleFlightObject, GoogleTransitClass, GoogleTransitObject } from './google-types';

type TripPass = CanonicalPass & { trip: Trip };

/**
 * A flight: the flight (carrier, number, airports, scheduled local times) lives on a class shared
 * by every passenger of that flight, the passenger, seat and booking on each object.
 * @see https://developers.google.com/wallet/reference/rest/v1/flightclass
 * @see https://developers.google.com/wallet/reference/rest/v1/flightobject
 */
export function renderFlight(
  pass: TripPass,
  context: GooglePassContext,
): { class: GoogleFlightClass; object: GoogleFlightObject; warnings: string[] } {
  const { trip } = pass;
  const departure = localDateTime(trip.origin.departsAt);
  // One class per flight: carrier, number, day and airport of departure.
  const classId = verticalClassId(context, 'flight', [trip.carrierCode, trip.number, departure.slice(0, 10), trip.origin.code]);
  const airlineLogo = passLogo(pass, context);
  const klass: GoogleFlightClass = withColor(
    {
      ...classBase(classId, pass, context),
      flightHeader: {
        // The schema requires the airline code and the number for air travel.
        carrier: { ...airlineCode(trip.carrierCode ?? ''), airlineName: localized(trip.carrier), ...(airlineLogo ? { airlineLogo } : {}) },
        // Digits only, Google says; an operational suffix ("454A") stays in the pass's own fields.
        flightNumber: (trip.number ?? '').replace(/[A-Z]$/, ''),
      },
      origin: airport(trip.origin),
      destination: airport(trip.destination),
      localScheduledDepartureDateTime: departure,
      ...(trip.destination.arrivesAt === undefined ? {} : { localScheduledArrivalDateTime: localDateTime(trip.destination.arrivesAt) }),
      ...(trip.boardsAt === undefined ? {} : { localBoardingDateTime: localDateTime(trip.boardsAt) }),
    },
    pass,
  );
  const { base, warnings } = verticalObjectBase(pass, context, 'flight', classId);
  const object: GoogleFlightObject = withColor(
    {
      ...base,
      passengerName: trip.passenger,
      reservationInfo: trip.confirmationNumber === undefined ? {} : { confirmationCode: trip.confirmationNumber },
    },
    pass,
  );
  const seating = {
    ...(trip.boardingGroup === undefined ? {} : { boardingGroup: trip.boardingGroup }),
    ...(trip.seat === undefined ? {} : { seatNumber: trip.seat }),
    ...(trip.cabin === undefined ? {} : { seatClass: trip.cabin }),
  };
  if (Object.keys(seating).length > 0) object.boardingAndSeatingInfo = seating;
  return { class: klass, object, warnings };
}

const TRANSIT_TYPE: Record<Exclude<TransitType, 'air'>, GoogleTransitClass['transitType']> = {
  train: 'RAIL',
  bus: 'BUS',
  boat: 'FERRY',
  generic: 'OTHER',
};

/**
 * A train, bus, boat or other ticket: one class per tenant and kind of transit (Google requires
 * its logo), the journey as the object's single ticket leg.
 * @see https://developers.google.com/wallet/reference/rest/v1/transitclass
 * @see https://developers.google.com/wallet/reference/rest/v1/transitobject
 */
export function renderTransit(
  pass: TripPass,
  context: GooglePassContext,
): { class: GoogleTransitClass; object: GoogleTransitObject; warnings: string[] } {
  const { trip } = pass;
  const transitType = TRANSIT_TYPE[pass.transitType === undefined || pass.transitType === 'air' ? 'generic' : pass.transitType];
  const classId = verticalClassId(context, 'transit', transitType.toLowerCase());
  const klass: GoogleTransitClass = withColor(
    { ...classBase(classId, pass, context), transitType, logo: requiredLogo(pass, context) },
    pass,
  );
  const { base, warnings } = verticalObjectBase(pass, context, 'transit', classId);
  const object: GoogleTransitObject = withColor(
    {
      ...base,
      tripType: 'ONE_WAY',
      passengerNames: trip.passenger,
      ticketLeg: {
        ...(trip.origin.code === undefined ? {} : { originStationCode: trip.origin.code }),
        originName: localized(trip.origin.name),
        ...(trip.destination.code === undefined ? {} : { destinationStationCode: trip.destination.code }),
        destinationName: localized(trip.destination.name),
        // With the offset as given: Google reads the local time at the station from it.
        departureDateTime: trip.origin.departsAt,
        ...(trip.destination.arrivesAt === undefined ? {} : { arrivalDateTime: trip.destination.arrivesAt }),
        ...(trip.origin.platform === undefined ? {} : { platform: trip.origin.platform }),
        ...(trip.cabin === undefined ? {} : { fareName: localized(trip.cabin) }),
        transitOperatorName: localized(trip.number === undefined ? trip.carrier : `${trip.carrier} ${trip.number}`),
        ...(trip.seat === undefined ? {} : { ticketSeat: { seat: trip.seat } }),
      },
      ...(trip.confirmationNumber === undefined ? {} : { ticketNumber: trip.confirmationNumber }),
    },
    pass,
  );
  return { class: klass, object, warnings };
}

/** Two characters are an IATA airline code, three an ICAO one: Google takes exactly one of them. */
function airlineCode(code: string): { carrierIataCode: string } | { carrierIcaoCode: string } {
  return code.length === 3 ? { carrierIcaoCode: code } : { carrierIataCode: code };
}

function airport(stop: Trip['origin'] | Trip['destination']): GoogleAirport {
  return {
    airportIataCode: stop.code ?? '',
    ...(stop.terminal === undefined ? {} : { terminal: stop.terminal }),
    ...(stop.gate === undefined ? {} : { gate: stop.gate }),
  };
}

/**
 * The local date and time at the airport, without the offset: the flight class refuses offsets
 * and works out the zone from the airport. `2027-03-14T10:05+01:00` → `2027-03-14T10:05:00`.
 */
export function localDateTime(isoWithZone: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?/.exec(isoWithZone);
  return match ? `${match[1]}${match[2] ?? ':00'}` : isoWithZone;
}
