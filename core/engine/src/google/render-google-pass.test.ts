import { generateKeyPairSync } from 'node:crypto';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { maximalStyleBody, EVERY_STYLE_BODIES, type EveryStyleName } from '../testing';
import { renderGooglePass, type RenderedGooglePass } from './render-google-pass';
import { googleSaveUrl, MAX_SAVE_URL_LENGTH } from './save-link';
import { googlePayloadKeys, googleVerticalOf, serialCandidatesOf } from './google-verticals';
import { localDateTime } from './travel-passes';
import type { GooglePassContext } from './google-classes';

const ISSUER = '3388000000012345678';
const context: GooglePassContext = {
  issuerId: ISSUER,
  serialNumber: 'Serial_1-a.b',
  tenantId: 'ten_abcdefghijklmnop',
  organizationName: 'Bayroast',
  imageUrls: { logo: 'https://passes.example/i/logo.png', strip: 'https://passes.example/i/strip.png' },
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  callbackUrl: 'https://passes.example/google/callback',
  defaultLogoUrl: 'https://passes.example/google/default-logo.png',
};

function canonical(body: unknown) {
  const parsed = parsePassInput(body);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error.issues));
  return normalisePassInput(parsed.value);
}

const render = (name: EveryStyleName, overrides: Partial<GooglePassContext> = {}) =>
  renderGooglePass(canonical(EVERY_STYLE_BODIES[name]), { ...context, ...overrides });

const EXPECTED_VERTICAL: Record<EveryStyleName, RenderedGooglePass['vertical']> = {
  generic: 'generic',
  storeCard: 'generic',
  loyalty: 'loyalty',
  coupon: 'offer',
  eventTicket: 'eventTicket',
  flight: 'flight',
  train: 'transit',
  bus: 'transit',
  boat: 'transit',
  transit: 'transit',
};
const NAMES = Object.keys(EXPECTED_VERTICAL) as EveryStyleName[];

/** What Google's REST reference marks as required, per vertical (class, object). */
const REQUIRED: Record<RenderedGooglePass['vertical'], [string[], string[]]> = {
  generic: [['id'], ['id', 'classId', 'cardTitle', 'header']],
  eventTicket: [
    ['id', 'issuerName', 'reviewStatus', 'eventName', 'venue.name', 'venue.address'],
    ['id', 'classId', 'state'],
  ],
  flight: [
    [
      'id',
      'issuerName',
      'reviewStatus',
      'flightHeader.carrier.carrierIataCode',
      'flightHeader.flightNumber',
      'origin.airportIataCode',
      'destination.airportIataCode',
      'localScheduledDepartureDateTime',
    ],
    ['id', 'classId', 'state', 'passengerName', 'reservationInfo'],
  ],
  transit: [
    ['id', 'issuerName', 'reviewStatus', 'transitType', 'logo.sourceUri.uri'],
    ['id', 'classId', 'state', 'tripType'],
  ],
  offer: [
    ['id', 'issuerName', 'reviewStatus', 'title', 'provider', 'redemptionChannel'],
    ['id', 'classId', 'state'],
  ],
  loyalty: [
    ['id', 'issuerName', 'reviewStatus', 'programName', 'programLogo.sourceUri.uri'],
    ['id', 'classId', 'state'],
  ],
};

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], value);

describe.each(NAMES)('%s', (name) => {
  it('becomes its vertical, with every field Google requires', () => {
    const rendered = render(name);
    expect(rendered.vertical).toBe(EXPECTED_VERTICAL[name]);
    const [classFields, objectFields] = REQUIRED[rendered.vertical];
    for (const path of classFields) expect([path, at(rendered.class, path)]).toEqual([path, expect.anything()]);
    for (const path of objectFields) expect([path, at(rendered.object, path)]).toEqual([path, expect.anything()]);
    expect(rendered.object.classId).toBe(rendered.class.id);
    expect(rendered.object.id.startsWith(`${ISSUER}.Serial_1-a.b`)).toBe(true);
    expect(rendered.class.id).toMatch(/^3388000000012345678\.[A-Za-z0-9._-]+$/);
  });

  it('renders at every limit, and a save link carrying ids only stays under 1,800 characters', async () => {
    const rendered = renderGooglePass(canonical(maximalStyleBody(name)), { ...context, serialNumber: 'S'.repeat(64) });
    expect(rendered.vertical).toBe(EXPECTED_VERTICAL[name]);
    expect((rendered.object.textModulesData ?? []).length).toBeLessThanOrEqual(10);
    const keys = googlePayloadKeys(rendered.vertical);
    const url = await googleSaveUrl(
      {
        issuer: `${'p'.repeat(30)}@${'project-name-30-characters-xx'}.iam.gserviceaccount.com`,
        origins: ['https://passes.example.com'],
        payload: { [keys.objects]: [{ id: rendered.object.id, classId: rendered.object.classId }] },
        issuedAt: new Date('2026-01-01T00:00:00Z'),
      },
      signingKey,
    );
    expect(url.length).toBeLessThan(MAX_SAVE_URL_LENGTH);
  });
});

const { privateKey: signingKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

test('a store card without points stays the generic pass it was, with the tenant class and object id', () => {
  const rendered = render('storeCard');
  expect(rendered.class).toEqual({ id: `${ISSUER}.passmint_ten_abcdefghijklmnop`, callbackOptions: { url: context.callbackUrl } });
  expect(rendered.object.id).toBe(`${ISSUER}.Serial_1-a.b`);
});

test('the event ticket: the event on a class, times with the venue offset as given, the seat on the object', () => {
  const rendered = render('eventTicket');
  if (rendered.vertical !== 'eventTicket') throw new Error(rendered.vertical);
  expect(rendered.class).toMatchObject({
    issuerName: 'Tempodrom',
    reviewStatus: 'UNDER_REVIEW',
    eventName: { defaultValue: { language: 'en-US', value: 'Night Owls Live' } },
    eventId: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
    venue: { name: { defaultValue: { value: 'Tempodrom' } }, address: { defaultValue: { value: 'Möckernstraße 10, 10963 Berlin' } } },
    dateTime: { start: '2027-03-14T20:00:00+01:00', end: '2027-03-14T23:00:00+01:00', doorsOpen: '2027-03-14T19:00:00+01:00' },
    hexBackgroundColor: '#1a1a2e',
    logo: { sourceUri: { uri: 'https://passes.example/i/logo.png' } },
    callbackOptions: { url: context.callbackUrl },
  });
  expect(rendered.object).toMatchObject({
    id: `${ISSUER}.Serial_1-a.b.eventticket`,
    state: 'ACTIVE',
    seatInfo: {
      section: { defaultValue: { value: 'Parkett' } },
      row: { defaultValue: { value: '12' } },
      seat: { defaultValue: { value: '7' } },
    },
    ticketType: { defaultValue: { value: 'Seated' } },
    barcode: { type: 'QR_CODE', value: 'TKT-000123' },
    heroImage: { sourceUri: { uri: 'https://passes.example/i/strip.png' } },
  });
});

test('two tickets of one event share a class; another event, or another tenant, has its own', () => {
  const body = EVERY_STYLE_BODIES.eventTicket;
  const seat2 = { ...body, event: { ...body.event, seat: { section: 'Rang', row: '1', number: '2' } } };
  const classOf = (value: unknown, tenantId = context.tenantId) => renderGooglePass(canonical(value), { ...context, tenantId }).class.id;
  expect(classOf(seat2)).toBe(classOf(body));
  expect(classOf({ ...body, event: { ...body.event, startsAt: '2027-03-15T20:00:00+01:00', endsAt: undefined } })).not.toBe(classOf(body));
  expect(classOf(body, 'ten_other')).not.toBe(classOf(body));
  expect(classOf(body)).toMatch(/^3388000000012345678\.passmint_ten_abcdefghijklmnop_eventticket_[A-Za-z0-9_-]{16}$/);
});

test('the flight: local times without offsets on the class, passenger, seat and booking on the object', () => {
  const rendered = render('flight');
  if (rendered.vertical !== 'flight') throw new Error(rendered.vertical);
  expect(rendered.class).toMatchObject({
    flightHeader: { carrier: { carrierIataCode: 'LH', airlineName: { defaultValue: { value: 'Lufthansa' } } }, flightNumber: '454' },
    origin: { airportIataCode: 'FRA', terminal: '1', gate: 'B44' },
    destination: { airportIataCode: 'SFO', terminal: 'I' },
    localScheduledDepartureDateTime: '2027-03-14T10:05:00',
    localScheduledArrivalDateTime: '2027-03-14T12:55:00',
    localBoardingDateTime: '2027-03-14T09:25:00',
  });
  expect(rendered.object).toMatchObject({
    id: `${ISSUER}.Serial_1-a.b.flight`,
    passengerName: 'Ada Lovelace',
    boardingAndSeatingInfo: { boardingGroup: '3', seatNumber: '32A', seatClass: 'Economy' },
    reservationInfo: { confirmationCode: 'X7K2PQ' },
    barcode: { type: 'PDF_417' },
  });
  const icao = { ...EVERY_STYLE_BODIES.flight, trip: { ...EVERY_STYLE_BODIES.flight.trip, carrierCode: 'DLH' } };
  expect(renderGooglePass(canonical(icao), context).class).toMatchObject({ flightHeader: { carrier: { carrierIcaoCode: 'DLH' } } });
  const sameFlight = { ...EVERY_STYLE_BODIES.flight, trip: { ...EVERY_STYLE_BODIES.flight.trip, passenger: 'Bo', seat: '1A' } };
  expect(renderGooglePass(canonical(sameFlight), context).class.id).toBe(rendered.class.id);
});

test.each([
  ['train', 'RAIL'],
  ['bus', 'BUS'],
  ['boat', 'FERRY'],
  ['transit', 'OTHER'],
] as const)('%s → transit %s, one class per tenant and kind, a logo always', (name, transitType) => {
  const rendered = render(name, { imageUrls: {} });
  if (rendered.vertical !== 'transit') throw new Error(rendered.vertical);
  expect(rendered.class).toMatchObject({ transitType, logo: { sourceUri: { uri: context.defaultLogoUrl } } });
  expect(rendered.class.id).toBe(`${ISSUER}.passmint_ten_abcdefghijklmnop_transit_${transitType.toLowerCase()}`);
  expect(rendered.object).toMatchObject({
    tripType: 'ONE_WAY',
    passengerNames: 'Ada Lovelace',
    ticketLeg: {
      originStationCode: '8011160',
      originName: { defaultValue: { value: 'Berlin Hbf' } },
      destinationName: { defaultValue: { value: 'München Hbf' } },
      departureDateTime: '2027-03-14T08:34:00+01:00',
      arrivalDateTime: '2027-03-14T12:33:00+01:00',
      platform: '7',
      ticketSeat: { seat: 'Wagen 9, Platz 45' },
    },
    ticketNumber: 'DB-4F7QK2',
  });
});

test('the coupon: title and provider on the offer class, the code on the object', () => {
  const rendered = render('coupon');
  expect(rendered.class).toMatchObject({ title: '20% off any drink', provider: 'Bayroast', redemptionChannel: 'INSTORE' });
  expect(rendered.object).toMatchObject({ id: `${ISSUER}.Serial_1-a.b.offer`, barcode: { value: 'SAVE20-8841' } });
  expect(rendered.object.validTimeInterval).toEqual({ end: { date: '2026-01-31T00:00:00.000Z' } });
});

test('the store card with points: a loyalty class per tenant, the balance on the object', () => {
  const rendered = render('loyalty', { imageUrls: { icon: 'https://passes.example/i/icon.png' } });
  expect(rendered.class).toMatchObject({
    id: `${ISSUER}.passmint_ten_abcdefghijklmnop_loyalty`,
    programName: 'Bayroast Rewards',
    programLogo: { sourceUri: { uri: 'https://passes.example/i/icon.png' } },
    hexBackgroundColor: '#3b2a1a',
  });
  expect(rendered.object).toMatchObject({ loyaltyPoints: { label: 'BEANS', balance: { int: 1250 } } });
  const fractional = { ...EVERY_STYLE_BODIES.loyalty, points: { balance: 12.5 } };
  expect(renderGooglePass(canonical(fractional), context).object).toMatchObject({
    loyaltyPoints: { label: 'POINTS', balance: { double: 12.5 } },
  });
});

test('a voided pass is INACTIVE in every vertical', () => {
  for (const name of NAMES) {
    expect(renderGooglePass(canonical({ ...EVERY_STYLE_BODIES[name], voided: true }), context).object.state).toBe('INACTIVE');
  }
});

test('an object id names the serials it may belong to, the plain serial first', () => {
  expect(serialCandidatesOf('abc')).toEqual(['abc']);
  expect(serialCandidatesOf('abc.flight')).toEqual(['abc.flight', 'abc']);
  expect(serialCandidatesOf('a.b.eventticket')).toEqual(['a.b.eventticket', 'a.b']);
  expect(serialCandidatesOf('.offer')).toEqual(['.offer']);
  expect(googleVerticalOf(canonical(EVERY_STYLE_BODIES.generic))).toBe('generic');
});

test("every vertical's class and object carry the pass's languages", () => {
  const body = {
    ...EVERY_STYLE_BODIES.eventTicket,
    defaultLanguage: 'de',
    translations: { en: { Parkett: 'Stalls' }, fr: { 'Night Owls Live': 'Les Oiseaux de Nuit' } },
  };
  const rendered = renderGooglePass(canonical(body), context);
  if (rendered.vertical !== 'eventTicket') throw new Error(rendered.vertical);
  expect(rendered.class.eventName).toEqual({
    defaultValue: { language: 'de', value: 'Night Owls Live' },
    translatedValues: [{ language: 'fr', value: 'Les Oiseaux de Nuit' }],
  });
  expect(rendered.object.seatInfo?.section).toEqual({
    defaultValue: { language: 'de', value: 'Parkett' },
    translatedValues: [{ language: 'en', value: 'Stalls' }],
  });
  const coupon = renderGooglePass(
    canonical({ ...EVERY_STYLE_BODIES.coupon, translations: { de: { '20% off any drink': '20 % auf jedes Getränk' } } }),
    context,
  );
  expect(coupon.class).toMatchObject({
    localizedTitle: { translatedValues: [{ language: 'de', value: '20 % auf jedes Getränk' }] },
  });
});

test.each([
  ['2027-03-14T10:05+01:00', '2027-03-14T10:05:00'],
  ['2027-03-14T10:05:30Z', '2027-03-14T10:05:30'],
  ['2027-03-14T23:59:59.123-07:00', '2027-03-14T23:59:59'],
])('the local time of %s at the airport is %s', (given, local) => {
  expect(localDateTime(given)).toBe(local);
});
