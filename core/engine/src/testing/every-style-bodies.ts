/**
 * One realistic body for every style, transit type and Google vertical (a store card with and
 * without points, each kind of boarding pass), with images, and the same bodies filled to the
 * schema's limits. STYLE_EXAMPLE_BODIES are the documented examples; these cover every case.
 */
import { LIMITS } from '../schema/limits';

const images = {
  logoURL: 'https://cdn.example.com/brand/logo.png',
  iconURL: 'https://cdn.example.com/brand/icon.png',
  stripURL: 'https://cdn.example.com/brand/strip.png',
};

const trip = {
  carrier: 'Lufthansa',
  carrierCode: 'LH',
  number: '454',
  origin: { code: 'FRA', name: 'Frankfurt', terminal: '1', gate: 'B44', departsAt: '2027-03-14T10:05:00+01:00' },
  destination: { code: 'SFO', name: 'San Francisco', terminal: 'I', arrivesAt: '2027-03-14T12:55:00-07:00' },
  boardsAt: '2027-03-14T09:25:00+01:00',
  passenger: 'Ada Lovelace',
  seat: '32A',
  boardingGroup: '3',
  cabin: 'Economy',
  confirmationNumber: 'X7K2PQ',
};

const train = {
  carrier: 'Deutsche Bahn',
  number: 'ICE 597',
  origin: { code: '8011160', name: 'Berlin Hbf', platform: '7', departsAt: '2027-03-14T08:34:00+01:00' },
  destination: { code: '8000261', name: 'München Hbf', arrivesAt: '2027-03-14T12:33:00+01:00' },
  passenger: 'Ada Lovelace',
  seat: 'Wagen 9, Platz 45',
  cabin: '2. Klasse',
  confirmationNumber: 'DB-4F7QK2',
};

/** Each style as a shop or an airline would send it. */
export const EVERY_STYLE_BODIES = {
  generic: {
    style: 'generic',
    barcodeValue: 'MEMBER-1',
    barcodeFormat: 'QR',
    logoText: 'Members',
    primaryFields: [{ label: 'NAME', value: 'Ada' }],
  },
  storeCard: {
    style: 'storeCard',
    barcodeValue: 'CARD-1',
    barcodeFormat: 'QR',
    ...images,
    headerFields: [{ label: 'TIER', value: 'Gold' }],
  },
  loyalty: {
    style: 'storeCard',
    barcodeValue: 'LOYALTY-98765',
    barcodeFormat: 'QR',
    organizationName: 'Bayroast',
    logoText: 'Bayroast Rewards',
    color: '#3b2a1a',
    points: { balance: 1250, label: 'BEANS' },
    ...images,
  },
  coupon: {
    style: 'coupon',
    barcodeValue: 'SAVE20-8841',
    barcodeFormat: 'QR',
    organizationName: 'Bayroast',
    primaryFields: [{ label: 'OFFER', value: '20% off any drink' }],
    expirationDays: 30,
    ...images,
  },
  eventTicket: {
    style: 'eventTicket',
    barcodeValue: 'TKT-000123',
    barcodeFormat: 'QR',
    organizationName: 'Tempodrom',
    color: '#1a1a2e',
    event: {
      name: 'Night Owls Live',
      startsAt: '2027-03-14T20:00:00+01:00',
      endsAt: '2027-03-14T23:00:00+01:00',
      doorsOpenAt: '2027-03-14T19:00:00+01:00',
      venue: { name: 'Tempodrom', address: 'Möckernstraße 10, 10963 Berlin', latitude: 52.5, longitude: 13.38, entrance: 'Gate B' },
      seat: { section: 'Parkett', row: '12', number: '7' },
      admissionLevel: 'Seated',
    },
    ...images,
  },
  flight: {
    style: 'boardingPass',
    transitType: 'air',
    barcodeValue: 'M1LOVELACE/ADA EX7K2PQ FRASFOLH 0454',
    barcodeFormat: 'PDF417',
    trip,
  },
  train: { style: 'boardingPass', transitType: 'train', barcodeValue: 'DB-4F7QK2', barcodeFormat: 'Aztec', trip: train },
  bus: {
    style: 'boardingPass',
    transitType: 'bus',
    barcodeValue: 'FLX-1',
    barcodeFormat: 'QR',
    trip: { ...train, carrier: 'FlixBus', number: 'N 042' },
  },
  boat: {
    style: 'boardingPass',
    transitType: 'boat',
    barcodeValue: 'FERRY-1',
    barcodeFormat: 'QR',
    trip: { ...train, carrier: 'Stena Line' },
  },
  transit: {
    style: 'boardingPass',
    transitType: 'generic',
    barcodeValue: 'RIDE-1',
    barcodeFormat: 'QR',
    trip: { ...train, carrier: 'Cable car' },
  },
} as const;

export type EveryStyleName = keyof typeof EVERY_STYLE_BODIES;

const filled = (length: number, letter = 'x') => letter.repeat(length);
const field = (group: string, index: number, valueLength: number) => ({
  key: `${group}_${index}_${filled(LIMITS.fieldKey - 12)}`.slice(0, LIMITS.fieldKey),
  label: filled(LIMITS.fieldLabel, 'L'),
  value: filled(valueLength, 'V'),
  changeMessage: `${filled(LIMITS.changeMessage - 3, 'C')}%@`,
});
const fields = (group: string, count: number, valueLength: number = LIMITS.fieldValue) =>
  Array.from({ length: count }, (_, index) => field(group, index, valueLength));

/**
 * The example of a style with every text at its limit and every field group full: what a save
 * link must still carry (by id) and what a Google object must still hold.
 */
export function maximalStyleBody(name: EveryStyleName): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone(EVERY_STYLE_BODIES[name]) as Record<string, unknown>;
  const style = body.style as string;
  Object.assign(body, {
    organizationName: filled(LIMITS.organizationName, 'O'),
    description: filled(LIMITS.description, 'D'),
    logoText: filled(LIMITS.logoText, 'T'),
    barcodeValue: filled(body.barcodeFormat === 'Code128' ? LIMITS.barcodeValueCode128 : LIMITS.barcodeValue, 'B'),
    barcodeAltText: filled(LIMITS.barcodeAltText, 'A'),
    headerFields: fields('h', LIMITS.headerFields),
    primaryFields: fields('p', style === 'boardingPass' ? LIMITS.boardingPassPrimaryFields : LIMITS.primaryFields),
    secondaryFields: fields('s', LIMITS.secondaryFields),
    auxiliaryFields: fields('a', LIMITS.auxiliaryFields),
    backFields: fields('b', LIMITS.backFields, LIMITS.backFieldValue),
    locations: Array.from({ length: LIMITS.locations }, (_, i) => ({
      latitude: i,
      longitude: i,
      relevantText: filled(LIMITS.relevantText),
    })),
  });
  if (body.event) {
    const event = body.event as Record<string, unknown>;
    Object.assign(event, {
      name: filled(LIMITS.eventName, 'E'),
      venue: {
        ...(event.venue as object),
        name: filled(LIMITS.placeName, 'P'),
        address: filled(LIMITS.address, 'R'),
        entrance: filled(LIMITS.shortText),
      },
      seat: {
        section: filled(LIMITS.shortText),
        row: filled(LIMITS.shortText),
        number: filled(LIMITS.shortText),
        type: filled(LIMITS.shortText),
      },
      performers: Array.from({ length: LIMITS.performers }, () => filled(LIMITS.eventName)),
      admissionLevel: filled(LIMITS.shortText),
    });
  }
  if (body.trip) {
    const trip = body.trip as Record<string, unknown>;
    const stop = (value: object) => ({
      ...value,
      name: filled(LIMITS.placeName, 'N'),
      terminal: filled(LIMITS.shortText),
      gate: filled(LIMITS.shortText),
      platform: filled(LIMITS.shortText),
    });
    Object.assign(trip, {
      carrier: filled(LIMITS.carrierName, 'K'),
      origin: stop(trip.origin as object),
      destination: stop(trip.destination as object),
      passenger: filled(LIMITS.personName, 'P'),
      seat: filled(LIMITS.shortText),
      boardingGroup: filled(LIMITS.shortText),
      cabin: filled(LIMITS.shortText),
      confirmationNumber: filled(LIMITS.shortText),
      ...(body.transitType === 'air' ? {} : { number: filled(LIMITS.shortText) }),
    });
    if (body.transitType !== 'air') {
      (trip.origin as Record<string, unknown>).code = filled(LIMITS.stopCode, '1');
      (trip.destination as Record<string, unknown>).code = filled(LIMITS.stopCode, '2');
    }
  }
  if (body.points) body.points = { balance: LIMITS.pointsMax, label: filled(LIMITS.fieldLabel) };
  return body;
}
