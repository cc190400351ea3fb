import { reportInvalidDate } from './date-check';
import { describe, isAbsent, isFiniteNumber, isObject, type JsonObject } from './json-shape';
import { inPassJson, joinPath, type Problems } from './problems';
import { isW3cDateTime } from './value-formats';

/**
 * The value types of Apple's semantic tags, for the tags Passmint emits and the common ones. A
 * mistyped tag makes Wallet refuse the pass ("Invalid data error reading pass"), so these are
 * errors; tags not listed here are left alone, since Apple adds new ones every year.
 * @see https://developer.apple.com/documentation/walletpasses/semantictags
 * @see https://developer.apple.com/documentation/walletpasses/semantictagtype
 */
type TagType = 'string' | 'date' | 'number' | 'boolean' | 'location' | 'seats' | 'personName' | 'strings' | 'currency' | 'wifi';

const TAG_TYPES: Record<string, TagType> = {
  ...tags('string', [
    'admissionLevel',
    'admissionLevelAbbreviation',
    'airlineCode',
    'attendeeName',
    'awayTeamAbbreviation',
    'awayTeamLocation',
    'awayTeamName',
    'boardingGroup',
    'boardingSequenceNumber',
    'boardingZone',
    'carNumber',
    'confirmationNumber',
    'departureAirportCode',
    'departureAirportName',
    'departureCityName',
    'departureGate',
    'departureLocationDescription',
    'departureLocationTimeZone',
    'departurePlatform',
    'departureStationName',
    'departureTerminal',
    'destinationAirportCode',
    'destinationAirportName',
    'destinationCityName',
    'destinationGate',
    'destinationLocationDescription',
    'destinationLocationTimeZone',
    'destinationPlatform',
    'destinationStationName',
    'destinationTerminal',
    'entranceDescription',
    'eventName',
    'flightCode',
    'genre',
    'homeTeamAbbreviation',
    'homeTeamLocation',
    'homeTeamName',
    'leagueAbbreviation',
    'leagueName',
    'membershipProgramName',
    'membershipProgramNumber',
    'priorityStatus',
    'securityScreening',
    'sportName',
    'ticketFareClass',
    'transitProvider',
    'transitStatus',
    'transitStatusReason',
    'vehicleName',
    'vehicleNumber',
    'vehicleType',
    'venueEntrance',
    'venueName',
    'venuePhoneNumber',
    'venueRegionName',
    'venueRoom',
  ]),
  ...tags('date', [
    'currentArrivalDate',
    'currentBoardingDate',
    'currentDepartureDate',
    'eventEndDate',
    'eventStartDate',
    'originalArrivalDate',
    'originalBoardingDate',
    'originalDepartureDate',
    'venueBoxOfficeOpenDate',
    'venueCloseDate',
    'venueDoorsOpenDate',
    'venueFanZoneOpenDate',
    'venueGatesOpenDate',
    'venueOpenDate',
    'venueParkingLotsOpenDate',
  ]),
  ...tags('number', ['duration', 'flightNumber']),
  ...tags('boolean', ['internationalDocumentsAreVerified', 'silenceRequested', 'tailgatingAllowed']),
  ...tags('location', ['departureLocation', 'destinationLocation', 'venueLocation']),
  ...tags('strings', ['artistIDs', 'albumIDs', 'performerNames', 'playlistIDs']),
  ...tags('currency', ['balance', 'totalPrice']),
  seats: 'seats',
  passengerName: 'personName',
  wifiAccess: 'wifi',
};

/** @see https://developer.apple.com/documentation/walletpasses/semantictags/eventtype */
const EVENT_TYPES = [
  'PKEventTypeGeneric',
  'PKEventTypeLivePerformance',
  'PKEventTypeMovie',
  'PKEventTypeSports',
  'PKEventTypeConference',
  'PKEventTypeConvention',
  'PKEventTypeWorkshop',
  'PKEventTypeSocialGathering',
];
const SEAT_KEYS = [
  'seatSection',
  'seatRow',
  'seatNumber',
  'seatIdentifier',
  'seatType',
  'seatDescription',
  'seatAisle',
  'seatLevel',
  'seatSectionColor',
];
const NAME_KEYS = ['givenName', 'familyName', 'middleName', 'namePrefix', 'nameSuffix', 'nickname', 'phoneticRepresentation'];

const EXPECTED: Record<TagType, string> = {
  string: 'a string',
  date: 'an ISO 8601 date-time',
  number: 'a number',
  boolean: 'true or false',
  location: 'an object with numeric latitude (-90…90) and longitude (-180…180)',
  seats: 'an array of seat objects with string values (seatSection, seatRow, seatNumber, …)',
  personName: 'a PersonNameComponents object with string values (givenName, familyName, …)',
  strings: 'an array of strings',
  currency: 'an object with string amount and currencyCode',
  wifi: 'an array of objects with string ssid and password',
};

function tags<T extends TagType>(type: T, names: string[]): Record<string, T> {
  return Object.fromEntries(names.map((name) => [name, type]));
}

const isString = (value: unknown): value is string => typeof value === 'string';

/** An object whose known keys hold strings; keys Apple adds later are not ours to judge. */
function stringsOnly(value: unknown, known: string[]): boolean {
  return isObject(value) && known.every((key) => isAbsent(value[key]) || isString(value[key]));
}

function isLocation(value: unknown): boolean {
  if (!isObject(value)) return false;
  const { latitude, longitude } = value;
  return isFiniteNumber(latitude) && isFiniteNumber(longitude) && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
}

const MATCHES: Record<Exclude<TagType, 'date'>, (value: unknown) => boolean> = {
  string: isString,
  number: isFiniteNumber,
  boolean: (value) => typeof value === 'boolean',
  location: isLocation,
  seats: (value) => Array.isArray(value) && value.every((seat) => stringsOnly(seat, SEAT_KEYS)),
  personName: (value) => stringsOnly(value, NAME_KEYS),
  strings: (value) => Array.isArray(value) && value.every(isString),
  currency: (value) => isObject(value) && isString(value.amount) && isString(value.currencyCode),
  wifi: (value) => Array.isArray(value) && value.every((net) => isObject(net) && isString(net.ssid) && isString(net.password)),
};

function checkTag(name: string, value: unknown, path: string, problems: Problems): void {
  const type = TAG_TYPES[name];
  if (type === undefined || isAbsent(value)) return;
  if (type === 'date') {
    if (!isW3cDateTime(value)) reportInvalidDate(path, value, problems);
    return;
  }
  if (!MATCHES[type](value)) {
    problems.error('semantic_tag_invalid', `${path} is ${describe(value)}; it must be ${EXPECTED[type]}.`, inPassJson(path));
  }
}

function checkEventType(semantics: JsonObject, problems: Problems): void {
  const value = semantics.eventType;
  if (isAbsent(value) || (isString(value) && EVENT_TYPES.includes(value))) return;
  problems.error(
    'semantic_tag_invalid',
    `semantics.eventType is ${describe(value)}; it must be one of ${EVENT_TYPES.join(', ')}.`,
    inPassJson('semantics.eventType'),
  );
}

/** The `semantics` dictionary at the root of pass.json (its being an object is checked with the other keys). */
export function checkSemantics(pass: JsonObject, problems: Problems): void {
  const semantics = pass.semantics;
  if (!isObject(semantics)) return;
  for (const [name, value] of Object.entries(semantics)) checkTag(name, value, joinPath('semantics', name), problems);
  checkEventType(semantics, problems);
}
