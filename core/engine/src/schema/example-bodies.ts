import type { PassInput } from './pass-input';

/**
 * One body per new style, as docs/api.md shows them: tests, the bench and the property test start
 * from these, so the documented examples are the ones known to build and validate.
 */
export const STYLE_EXAMPLE_BODIES = {
  eventTicket: {
    style: 'eventTicket',
    barcodeValue: 'TCKT-2026-0042',
    barcodeFormat: 'QR',
    logoText: 'Harbour Hall',
    event: {
      name: 'Midnight Orchestra',
      startsAt: '2026-12-31T21:00:00+01:00',
      endsAt: '2027-01-01T01:00:00+01:00',
      doorsOpenAt: '2026-12-31T20:00:00+01:00',
      venue: { name: 'Harbour Hall', address: 'Kai 1, Hamburg', latitude: 53.5413, longitude: 9.9841, entrance: 'Gate B' },
      seat: { section: 'Stalls', row: 'F', number: '12' },
      performers: ['Midnight Orchestra', 'The Openers'],
    },
  },
  boardingPass: {
    style: 'boardingPass',
    transitType: 'air',
    barcodeValue: 'M1APPLESEED/JOHN     ABC123 SFOLHRLH 0454 335Y014A0001 100',
    barcodeFormat: 'PDF417',
    trip: {
      carrier: 'Lufthansa',
      carrierCode: 'LH',
      number: '454',
      origin: { code: 'SFO', name: 'San Francisco', terminal: 'I', gate: 'A12', departsAt: '2026-12-01T15:40:00-08:00' },
      destination: { code: 'FRA', name: 'Frankfurt', terminal: '1', arrivesAt: '2026-12-02T11:25:00+01:00' },
      boardsAt: '2026-12-01T15:00:00-08:00',
      passenger: 'APPLESEED/JOHN',
      seat: '14A',
      boardingGroup: '3',
      cabin: 'Economy',
      confirmationNumber: 'ABC123',
    },
  },
  trainTicket: {
    style: 'boardingPass',
    transitType: 'train',
    barcodeValue: 'ICE-578-XYZ',
    barcodeFormat: 'Aztec',
    trip: {
      carrier: 'Deutsche Bahn',
      number: 'ICE 578',
      origin: { name: 'Hamburg Hbf', platform: '7', departsAt: '2026-12-01T08:01:00+01:00' },
      destination: { name: 'München Hbf', arrivesAt: '2026-12-01T14:12:00+01:00' },
      passenger: 'Erika Mustermann',
      seat: 'Car 9, 45',
    },
  },
  storeCardWithPoints: {
    style: 'storeCard',
    barcodeValue: 'LOYALTY-98765',
    barcodeFormat: 'QR',
    logoText: 'Bayroast Coffee',
    points: { balance: 1250, label: 'BEANS' },
    primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  },
  coupon: {
    style: 'coupon',
    barcodeValue: 'SAVE20',
    barcodeFormat: 'Code128',
    primaryFields: [{ label: 'OFF', value: '20%' }],
    secondaryFields: [{ label: 'VALID UNTIL', value: 'Dec 31' }],
  },
} satisfies Record<string, PassInput>;

const exampleUpdate = {
  barcodeValue: 'LOYALTY-98765',
  barcodeFormat: 'QR',
  logoText: 'Bayroast Coffee',
  primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  headerFields: [{ label: 'POINTS', value: '1,300', changeMessage: 'You hit %@ points. Free coffee unlocked!' }],
} satisfies PassInput;

/** The three request bodies of the WalletWallet examples in docs/api.md, which must work unchanged. */
export const API_EXAMPLE_BODIES = {
  create: {
    barcodeValue: 'LOYALTY-98765',
    barcodeFormat: 'QR',
    logoText: 'Bayroast Coffee',
    headerFields: [{ label: 'POINTS', value: '1,250' }],
    primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }],
  },
  update: exampleUpdate,
  updateWithLocation: {
    ...exampleUpdate,
    locations: [{ latitude: 40.7484, longitude: -73.9857, relevantText: 'Free refill at our Empire State store' }],
  },
} satisfies Record<string, PassInput>;
