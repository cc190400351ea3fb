/**
 * What the fake Google Wallet API requires of each vertical's classes and objects, from the REST
 * reference's "Required" fields and formats. Each check returns Google's error message, or
 * undefined when the resource is acceptable.
 *
 * @see https://developers.google.com/wallet/reference/rest/v1/eventticketclass
 * @see https://developers.google.com/wallet/reference/rest/v1/flightclass
 * @see https://developers.google.com/wallet/reference/rest/v1/transitclass
 * @see https://developers.google.com/wallet/reference/rest/v1/offerclass
 * @see https://developers.google.com/wallet/reference/rest/v1/loyaltyclass
 */

export const FAKE_GOOGLE_VERTICALS = ['generic', 'eventTicket', 'flight', 'transit', 'offer', 'loyalty'] as const;
export type FakeGoogleVertical = (typeof FAKE_GOOGLE_VERTICALS)[number];

type Json = Record<string, unknown>;
type Check = string | undefined;

/** `eventTicketClass` → { vertical: 'eventTicket', kind: 'class' }; undefined for anything else. */
export function parseCollection(segment: string): { vertical: FakeGoogleVertical; kind: 'class' | 'object' } | undefined {
  const match = /^(.+)(Class|Object)$/.exec(segment);
  const vertical = FAKE_GOOGLE_VERTICALS.find((candidate) => candidate === match?.[1]);
  return vertical === undefined ? undefined : { vertical, kind: match?.[2] === 'Class' ? 'class' : 'object' };
}

// Issuers may write a class as draft or under review; Google alone sets approved or rejected.
const WRITABLE_REVIEW_STATUSES = new Set(['DRAFT', 'draft', 'UNDER_REVIEW', 'underReview']);
const TRANSIT_TYPES = new Set(['BUS', 'RAIL', 'TRAM', 'FERRY', 'OTHER', 'bus', 'rail', 'tram', 'ferry', 'other']);
const TRIP_TYPES = new Set(['ONE_WAY', 'ROUND_TRIP', 'oneWay', 'roundTrip']);
const REDEMPTION_CHANNELS = new Set(['INSTORE', 'ONLINE', 'BOTH', 'TEMPORARY_PRICE_REDUCTION', 'instore', 'online', 'both']);
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?$/;
const INT32_MAX = 2 ** 31 - 1;

/** True when objects may not be made in this class yet (a draft). */
export function isDraftClass(klass: Json): boolean {
  return klass['reviewStatus'] === 'DRAFT' || klass['reviewStatus'] === 'draft';
}

export function validateVerticalClass(vertical: FakeGoogleVertical, body: Json): Check {
  if (vertical === 'generic') return undefined;
  const common =
    (isNonEmptyString(body['issuerName']) ? undefined : 'issuerName is required.') ??
    (typeof body['reviewStatus'] === 'string' && WRITABLE_REVIEW_STATUSES.has(body['reviewStatus'])
      ? undefined
      : `Invalid reviewStatus: ${String(body['reviewStatus'])} (an issuer may set DRAFT or UNDER_REVIEW).`);
  return common ?? CLASS_CHECKS[vertical](body);
}

export function validateVerticalObject(vertical: FakeGoogleVertical, body: Json): Check {
  if (vertical === 'generic') {
    return (
      checkLocalized(body['cardTitle'], 'cardTitle', true) ??
      checkLocalized(body['header'], 'header', true) ??
      checkLocalized(body['subheader'], 'subheader', false) ??
      checkImage(body['logo'], 'logo') ??
      checkImage(body['wideLogo'], 'wideLogo')
    );
  }
  return (body['state'] === undefined ? 'state is required.' : undefined) ?? OBJECT_CHECKS[vertical](body);
}

const CLASS_CHECKS: Record<Exclude<FakeGoogleVertical, 'generic'>, (body: Json) => Check> = {
  eventTicket: (body) => {
    const venue = body['venue'];
    const dateTime = isRecord(body['dateTime']) ? body['dateTime'] : {};
    const eventId = body['eventId'];
    if (eventId !== undefined && !(typeof eventId === 'string' && eventId.length <= 64)) return 'eventId must be at most 64 characters.';
    return (
      checkLocalized(body['eventName'], 'eventName', true) ??
      (venue === undefined
        ? undefined
        : (checkLocalized(isRecord(venue) ? venue['name'] : undefined, 'venue.name', true) ??
          checkLocalized(isRecord(venue) ? venue['address'] : undefined, 'venue.address', true))) ??
      checkDateTimes(dateTime, ['start', 'end', 'doorsOpen'], DATE_TIME, 'dateTime') ??
      checkImage(body['logo'], 'logo')
    );
  },
  flight: (body) => {
    const header = isRecord(body['flightHeader']) ? body['flightHeader'] : undefined;
    const carrier = header && isRecord(header['carrier']) ? header['carrier'] : undefined;
    if (!header || !carrier) return 'flightHeader.carrier is required.';
    const iata = carrier['carrierIataCode'];
    const icao = carrier['carrierIcaoCode'];
    if ((iata === undefined) === (icao === undefined))
      return 'Exactly one of flightHeader.carrier.carrierIataCode and carrierIcaoCode is required.';
    if (iata !== undefined && !(typeof iata === 'string' && /^[A-Z0-9]{2}$/.test(iata))) return `Invalid carrierIataCode: ${String(iata)}`;
    if (icao !== undefined && !(typeof icao === 'string' && /^[A-Z]{3}$/.test(icao))) return `Invalid carrierIcaoCode: ${String(icao)}`;
    const flightNumber = header['flightNumber'];
    if (!(typeof flightNumber === 'string' && /^\d{1,5}$/.test(flightNumber)))
      return `Invalid flightHeader.flightNumber: ${String(flightNumber)}`;
    return (
      checkAirport(body['origin'], 'origin') ??
      checkAirport(body['destination'], 'destination') ??
      (body['localScheduledDepartureDateTime'] === undefined ? 'localScheduledDepartureDateTime is required.' : undefined) ??
      // "Google will reject the request if UTC offset is provided."
      checkDateTimes(
        body,
        ['localScheduledDepartureDateTime', 'localScheduledArrivalDateTime', 'localBoardingDateTime'],
        LOCAL_DATE_TIME,
        '',
      )
    );
  },
  transit: (body) =>
    (typeof body['transitType'] === 'string' && TRANSIT_TYPES.has(body['transitType'])
      ? undefined
      : `Invalid transitType: ${String(body['transitType'])}`) ??
    (body['logo'] === undefined ? 'logo is required.' : checkImage(body['logo'], 'logo')),
  offer: (body) =>
    (isNonEmptyString(body['title']) ? undefined : 'title is required.') ??
    (isNonEmptyString(body['provider']) ? undefined : 'provider is required.') ??
    (typeof body['redemptionChannel'] === 'string' && REDEMPTION_CHANNELS.has(body['redemptionChannel'])
      ? undefined
      : `Invalid redemptionChannel: ${String(body['redemptionChannel'])}`) ??
    checkLocalized(body['localizedTitle'], 'localizedTitle', false) ??
    checkImage(body['titleImage'], 'titleImage'),
  loyalty: (body) =>
    (isNonEmptyString(body['programName']) ? undefined : 'programName is required.') ??
    (body['programLogo'] === undefined ? 'programLogo is required.' : checkImage(body['programLogo'], 'programLogo')) ??
    checkLocalized(body['localizedProgramName'], 'localizedProgramName', false),
};

const OBJECT_CHECKS: Record<Exclude<FakeGoogleVertical, 'generic'>, (body: Json) => Check> = {
  eventTicket: (body) => {
    const seat = isRecord(body['seatInfo']) ? body['seatInfo'] : {};
    for (const part of ['section', 'row', 'seat', 'gate']) {
      const error = checkLocalized(seat[part], `seatInfo.${part}`, false);
      if (error) return error;
    }
    return checkLocalized(body['ticketType'], 'ticketType', false);
  },
  flight: (body) =>
    (isNonEmptyString(body['passengerName']) ? undefined : 'passengerName is required.') ??
    (isRecord(body['reservationInfo']) ? undefined : 'reservationInfo is required.'),
  transit: (body) => {
    if (!(typeof body['tripType'] === 'string' && TRIP_TYPES.has(body['tripType']))) return `Invalid tripType: ${String(body['tripType'])}`;
    const leg = body['ticketLeg'];
    if (leg === undefined) return undefined;
    if (!isRecord(leg)) return 'ticketLeg must be an object.';
    if (leg['originName'] === undefined && leg['originStationCode'] === undefined)
      return 'ticketLeg needs originName or originStationCode.';
    if (leg['departureDateTime'] === undefined && body['validTimeInterval'] === undefined)
      return 'ticketLeg.departureDateTime is required when the object has no validTimeInterval.';
    return (
      checkLocalized(leg['originName'], 'ticketLeg.originName', false) ??
      checkLocalized(leg['destinationName'], 'ticketLeg.destinationName', false) ??
      checkLocalized(leg['transitOperatorName'], 'ticketLeg.transitOperatorName', false) ??
      checkDateTimes(leg, ['departureDateTime', 'arrivalDateTime'], DATE_TIME, 'ticketLeg')
    );
  },
  offer: () => undefined,
  loyalty: (body) => {
    const points = body['loyaltyPoints'];
    if (points === undefined) return undefined;
    const balance = isRecord(points) ? points['balance'] : undefined;
    if (!isRecord(balance)) return 'loyaltyPoints.balance is required.';
    const kinds = ['string', 'int', 'double', 'money'].filter((kind) => balance[kind] !== undefined);
    if (kinds.length !== 1) return 'loyaltyPoints.balance needs exactly one of string, int, double and money.';
    const int = balance['int'];
    if (int !== undefined && !(Number.isInteger(int) && Math.abs(int as number) <= INT32_MAX))
      return `Invalid loyaltyPoints.balance.int: ${String(int)}`;
    return checkLocalized(isRecord(points) ? points['localizedLabel'] : undefined, 'loyaltyPoints.localizedLabel', false);
  },
};

function checkAirport(value: unknown, field: string): Check {
  if (!isRecord(value)) return `${field} is required.`;
  const code = value['airportIataCode'];
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) ? undefined : `Invalid ${field}.airportIataCode: ${String(code)}`;
}

function checkDateTimes(holder: Json, fields: string[], pattern: RegExp, prefix: string): Check {
  for (const field of fields) {
    const value = holder[field];
    if (value !== undefined && !(typeof value === 'string' && pattern.test(value))) {
      return `Invalid ${prefix ? `${prefix}.` : ''}${field}: ${String(value)}`;
    }
  }
  return undefined;
}

/** LocalizedString `{ defaultValue: { language, value }, translatedValues?: [{ language, value }] }`. */
export function checkLocalized(value: unknown, field: string, required: boolean): Check {
  if (value === undefined && !required) return undefined;
  if (!isRecord(value)) return `${field} is required.`;
  const translated = value['translatedValues'];
  const entries: [string, unknown][] = [[`${field}.defaultValue`, value['defaultValue']]];
  if (translated !== undefined) {
    if (!Array.isArray(translated)) return `${field}.translatedValues must be a list.`;
    translated.forEach((t, i) => entries.push([`${field}.translatedValues[${i}]`, t]));
  }
  for (const [name, entry] of entries) {
    if (!isRecord(entry) || !isNonEmptyString(entry['value'])) return `${name}.value is required.`;
    if (!isNonEmptyString(entry['language'])) return `${name}.language is required.`;
  }
  return undefined;
}

export function checkImage(value: unknown, field: string): Check {
  if (value === undefined) return undefined;
  const sourceUri = isRecord(value) ? value['sourceUri'] : undefined;
  const uri = isRecord(sourceUri) ? sourceUri['uri'] : undefined;
  if (typeof uri !== 'string' || !/^https?:\/\/\S+$/i.test(uri)) return `${field}.sourceUri.uri must be an http(s) URL.`;
  return undefined;
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
