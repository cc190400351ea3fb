import { createServiceAccountKey, startFakeGoogle, type FakeGoogle } from './fake-google';
import { fakeAccessToken } from './fake-google-token';

const ISSUER = '3388000000012345678';
const account = createServiceAccountKey();
const localized = (value: string) => ({ defaultValue: { language: 'en-US', value } });
const logo = { sourceUri: { uri: 'https://example.com/logo.png' }, contentDescription: localized('Logo') };
const classCommon = { issuerName: 'Passmint', reviewStatus: 'UNDER_REVIEW' };

/** The smallest class and object Google accepts in each vertical, after the REST reference's samples. */
const VALID = {
  eventTicket: {
    class: {
      ...classCommon,
      eventName: localized('Night Owls Live'),
      venue: { name: localized('Tempodrom'), address: localized('Möckernstraße 10') },
      dateTime: { start: '2027-03-14T20:00:00+01:00', doorsOpen: '2027-03-14T19:00' },
    },
    object: { state: 'ACTIVE', seatInfo: { row: localized('12'), seat: localized('7') } },
  },
  flight: {
    class: {
      ...classCommon,
      flightHeader: { carrier: { carrierIataCode: 'LH' }, flightNumber: '454' },
      origin: { airportIataCode: 'FRA' },
      destination: { airportIataCode: 'SFO' },
      localScheduledDepartureDateTime: '2027-03-14T10:05:00',
    },
    object: { state: 'ACTIVE', passengerName: 'Ada Lovelace', reservationInfo: { confirmationCode: 'X7K2PQ' } },
  },
  transit: {
    class: { ...classCommon, transitType: 'RAIL', logo },
    object: {
      state: 'ACTIVE',
      tripType: 'ONE_WAY',
      ticketLeg: {
        originName: localized('Berlin Hbf'),
        destinationName: localized('München Hbf'),
        departureDateTime: '2027-03-14T08:34:00+01:00',
      },
    },
  },
  offer: {
    class: { ...classCommon, title: '20% off', provider: 'Bayroast', redemptionChannel: 'INSTORE' },
    object: { state: 'ACTIVE' },
  },
  loyalty: {
    class: { ...classCommon, programName: 'Bayroast Rewards', programLogo: logo },
    object: { state: 'ACTIVE', loyaltyPoints: { label: 'Points', balance: { int: 1250 } } },
  },
} as const;
type Vertical = keyof typeof VALID;
const VERTICALS = Object.keys(VALID) as Vertical[];

let fake: FakeGoogle;
let token: string;

beforeEach(async () => {
  fake = await startFakeGoogle({
    issuerId: ISSUER,
    serviceAccounts: [{ email: account.key.client_email, publicKeyPem: account.publicKeyPem }],
  });
  token = await fakeAccessToken(fake, account.key);
});

afterEach(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; message: string }> {
  const response = await fetch(`${fake.apiUrl}/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { error?: { message: string } };
  return { status: response.status, message: json.error?.message ?? '' };
}

const classId = (vertical: string) => `${ISSUER}.class_${vertical}`;
const objectId = (vertical: string) => `${ISSUER}.object_${vertical}`;
const insertClass = (vertical: Vertical, changes: Record<string, unknown> = {}) =>
  call('POST', `${vertical}Class`, { id: classId(vertical), ...VALID[vertical].class, ...changes });
const insertObject = (vertical: Vertical, changes: Record<string, unknown> = {}) =>
  call('POST', `${vertical}Object`, { id: objectId(vertical), classId: classId(vertical), ...VALID[vertical].object, ...changes });

describe.each(VERTICALS)('%s', (vertical) => {
  it('inserts a class and an object, gets, patches and messages the object in its own collection', async () => {
    expect(await insertClass(vertical)).toEqual({ status: 200, message: '' });
    expect(await insertObject(vertical)).toEqual({ status: 200, message: '' });
    expect(fake.verticalOf(objectId(vertical))).toBe(vertical);
    expect((await call('GET', `${vertical}Object/${objectId(vertical)}`)).status).toBe(200);
    expect((await call('PATCH', `${vertical}Object/${objectId(vertical)}`, { state: 'INACTIVE' })).status).toBe(200);
    expect(fake.objects.get(objectId(vertical))).toMatchObject({ state: 'INACTIVE' });
    expect((await call('PATCH', `${vertical}Class/${classId(vertical)}`, { issuerName: 'Renamed' })).status).toBe(200);
    const message = { message: { header: 'Hi', body: 'Changed', messageType: 'TEXT' } };
    expect((await call('POST', `${vertical}Object/${objectId(vertical)}/addMessage`, message)).status).toBe(200);
  });

  it('answers 409 to a duplicate insert and 404 to an unknown id', async () => {
    await insertClass(vertical);
    await insertObject(vertical);
    expect((await insertClass(vertical)).status).toBe(409);
    expect((await insertObject(vertical)).status).toBe(409);
    expect((await call('GET', `${vertical}Object/${ISSUER}.nobody`)).status).toBe(404);
    expect((await call('PATCH', `${vertical}Object/${ISSUER}.nobody`, { state: 'ACTIVE' })).status).toBe(404);
  });

  it('refuses an object whose class is missing, in another vertical, or a draft', async () => {
    expect(await insertObject(vertical)).toMatchObject({ status: 404 });
    await call('POST', 'genericClass', { id: classId(vertical) });
    expect(await insertObject(vertical)).toMatchObject({ status: 404, message: expect.stringContaining(`${vertical} class`) });
    await insertClass(vertical, { id: `${ISSUER}.draft`, reviewStatus: 'DRAFT' });
    expect(await insertObject(vertical, { classId: `${ISSUER}.draft` })).toMatchObject({
      status: 400,
      message: expect.stringContaining('draft'),
    });
  });

  it('requires the issuer name, a review status an issuer may set, the object state and ids of this issuer', async () => {
    expect(await insertClass(vertical, { issuerName: undefined })).toEqual({ status: 400, message: 'issuerName is required.' });
    expect(await insertClass(vertical, { reviewStatus: 'APPROVED' })).toMatchObject({ status: 400 });
    expect(await insertClass(vertical, { id: 'other.class' })).toMatchObject({ status: 400 });
    await insertClass(vertical);
    expect(await insertObject(vertical, { state: undefined })).toEqual({ status: 400, message: 'state is required.' });
    expect(await insertObject(vertical, { id: `${ISSUER}.bad id` })).toMatchObject({ status: 400 });
  });

  it('keeps one id to one resource across verticals', async () => {
    await insertClass(vertical);
    const other = vertical === 'offer' ? 'loyalty' : 'offer';
    expect((await insertClass(other, { id: classId(vertical) })).status).toBe(409);
    expect((await call('GET', `${other}Class/${classId(vertical)}`)).status).toBe(404);
  });
});

test.each([
  ['eventTicket', { eventName: undefined }, 'eventName is required.'],
  ['eventTicket', { venue: { name: localized('Tempodrom') } }, 'venue.address is required.'],
  ['eventTicket', { dateTime: { start: 'tonight' } }, 'Invalid dateTime.start: tonight'],
  ['eventTicket', { eventId: 'e'.repeat(65) }, 'eventId must be at most 64 characters.'],
  ['flight', { flightHeader: { carrier: { carrierIataCode: 'LH', carrierIcaoCode: 'DLH' }, flightNumber: '454' } }, 'Exactly one'],
  ['flight', { flightHeader: { carrier: { carrierIataCode: 'LHX' }, flightNumber: '454' } }, 'Invalid carrierIataCode: LHX'],
  ['flight', { flightHeader: { carrier: { carrierIataCode: 'LH' }, flightNumber: 'LH454' } }, 'Invalid flightHeader.flightNumber: LH454'],
  ['flight', { origin: { airportIataCode: 'Frankfurt' } }, 'Invalid origin.airportIataCode: Frankfurt'],
  ['flight', { localScheduledDepartureDateTime: undefined }, 'localScheduledDepartureDateTime is required.'],
  ['flight', { localScheduledDepartureDateTime: '2027-03-14T10:05:00+01:00' }, 'Invalid localScheduledDepartureDateTime'],
  ['transit', { logo: undefined }, 'logo is required.'],
  ['transit', { transitType: 'TRAIN' }, 'Invalid transitType: TRAIN'],
  ['offer', { title: '' }, 'title is required.'],
  ['offer', { provider: undefined }, 'provider is required.'],
  ['offer', { redemptionChannel: 'MAIL' }, 'Invalid redemptionChannel: MAIL'],
  ['loyalty', { programLogo: undefined }, 'programLogo is required.'],
  ['loyalty', { programName: undefined }, 'programName is required.'],
] as const)('a %s class with %j is refused: %s', async (vertical, changes, message) => {
  expect(await insertClass(vertical, changes)).toEqual({ status: 400, message: expect.stringContaining(message) });
});

test.each([
  ['flight', { passengerName: undefined }, 'passengerName is required.'],
  ['flight', { reservationInfo: undefined }, 'reservationInfo is required.'],
  ['transit', { tripType: undefined }, 'Invalid tripType: undefined'],
  ['transit', { ticketLeg: { destinationName: localized('München') } }, 'ticketLeg needs originName or originStationCode.'],
  ['transit', { ticketLeg: { originStationCode: 'BER' } }, 'ticketLeg.departureDateTime is required'],
  ['eventTicket', { seatInfo: { seat: '7' } }, 'seatInfo.seat is required.'],
  ['loyalty', { loyaltyPoints: { balance: { int: 1, string: '1' } } }, 'exactly one'],
  ['loyalty', { loyaltyPoints: { balance: { int: 2 ** 31 } } }, 'Invalid loyaltyPoints.balance.int'],
] as const)('a %s object with %j is refused: %s', async (vertical, changes, message) => {
  await insertClass(vertical);
  expect(await insertObject(vertical, changes)).toEqual({ status: 400, message: expect.stringContaining(message) });
});
