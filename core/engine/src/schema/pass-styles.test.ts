import { LIMITS } from './limits';
import { parsePassInput, parsePassUpdate } from './parse';

const base = { barcodeValue: 'ABC-123', barcodeFormat: 'QR' };
const event = {
  name: 'Night Owls Live',
  startsAt: '2027-03-14T20:00:00+01:00',
  venue: { name: 'Tempodrom', address: 'Möckernstraße 10, Berlin', latitude: 52.5, longitude: 13.38 },
};
const flight = {
  carrier: 'Lufthansa',
  carrierCode: 'LH',
  number: '454',
  origin: { code: 'FRA', name: 'Frankfurt', departsAt: '2027-03-14T10:05:00+01:00', gate: 'B44' },
  destination: { code: 'SFO', name: 'San Francisco', arrivesAt: '2027-03-14T12:55:00-07:00' },
  passenger: 'Ada Lovelace',
};

function issues(
  body: unknown,
  parse: (body: unknown) => { ok: boolean; error?: { issues: { path: string; message: string }[] } } = parsePassInput,
) {
  const result = parse(body);
  return result.ok ? [] : result.error!.issues.map(({ path, message }) => `${path} ${message}`);
}

describe('style', () => {
  it('accepts each style with the data it needs', () => {
    expect(issues({ ...base, style: 'generic' })).toEqual([]);
    expect(issues({ ...base, style: 'storeCard', points: { balance: 120 } })).toEqual([]);
    expect(issues({ ...base, style: 'coupon' })).toEqual([]);
    expect(issues({ ...base, style: 'eventTicket', event })).toEqual([]);
    expect(issues({ ...base, style: 'boardingPass', transitType: 'air', trip: flight })).toEqual([]);
    const train = { ...flight, carrierCode: undefined, number: 'ICE 597', origin: { ...flight.origin, code: undefined } };
    expect(issues({ ...base, style: 'boardingPass', transitType: 'train', trip: train })).toEqual([]);
  });

  it('rejects an unknown style with the list', () => {
    expect(issues({ ...base, style: 'ticket' })).toEqual(['style must be one of generic, storeCard, eventTicket, coupon, boardingPass']);
  });

  it('requires the structured data of event tickets and boarding passes', () => {
    expect(issues({ ...base, style: 'eventTicket' })).toEqual(['event is required for style eventTicket']);
    expect(issues({ ...base, style: 'boardingPass' })).toEqual([
      'transitType is required for style boardingPass',
      'trip is required for style boardingPass',
    ]);
  });

  it('rejects data the style cannot show instead of dropping it', () => {
    expect(issues({ ...base, event })).toEqual(['event is only used with style eventTicket']);
    expect(issues({ ...base, style: 'coupon', trip: flight, transitType: 'air' })).toEqual([
      'transitType is only used with style boardingPass',
      'trip is only used with style boardingPass',
    ]);
    expect(issues({ ...base, style: 'generic', points: { balance: 1 } })).toEqual(['points is only used with style storeCard']);
  });

  it('allows two primary fields on boarding passes only', () => {
    const primaryFields = [
      { label: 'FROM', value: 'FRA' },
      { label: 'TO', value: 'SFO' },
    ];
    expect(issues({ ...base, style: 'boardingPass', transitType: 'air', trip: flight, primaryFields })).toEqual([]);
    expect(issues({ ...base, style: 'eventTicket', event, primaryFields })).toEqual(['primaryFields must have at most 1 items']);
    expect(issues({ ...base, primaryFields })).toEqual(['primaryFields must have at most 1 items']);
    expect(
      issues({ ...base, style: 'boardingPass', transitType: 'bus', trip: flight, primaryFields: [...primaryFields, primaryFields[0]] }),
    ).toEqual(['primaryFields must have at most 2 items']);
  });

  it('holds flights to the codes Google and Apple need', () => {
    const bad = { ...flight, carrierCode: 'LUFT', number: 'LH454', origin: { ...flight.origin, code: 'fra' }, destination: { name: 'SF' } };
    expect(issues({ ...base, style: 'boardingPass', transitType: 'air', trip: bad })).toEqual([
      'trip.carrierCode must be the airline IATA code (2–3 capital letters or digits) for air travel',
      'trip.number must be the flight number without the airline code (e.g. "454") for air travel',
      'trip.origin.code must be the airport IATA code (3 capital letters) for air travel',
      'trip.destination.code must be the airport IATA code (3 capital letters) for air travel',
    ]);
  });

  it('checks the order of times and that coordinates come in pairs', () => {
    const late = {
      ...event,
      endsAt: '2027-03-14T19:00:00+01:00',
      doorsOpenAt: '2027-03-14T21:00:00+01:00',
      venue: { name: 'X', latitude: 1 },
    };
    expect(issues({ ...base, style: 'eventTicket', event: late })).toEqual([
      'event.venue.longitude is required when latitude is given',
      'event.endsAt must be after startsAt',
      'event.doorsOpenAt must not be after startsAt',
    ]);
    const back = { ...flight, destination: { ...flight.destination, arrivesAt: '2027-03-14T09:00:00+01:00' } };
    expect(issues({ ...base, style: 'boardingPass', transitType: 'air', trip: back })).toEqual([
      'trip.destination.arrivesAt must be after origin.departsAt',
    ]);
  });

  it('enforces every new length and count limit', () => {
    const long = (n: number) => 'x'.repeat(n + 1);
    const performers = Array.from({ length: LIMITS.performers + 1 }, (_, i) => `Band ${i}`);
    expect(
      issues({
        ...base,
        style: 'eventTicket',
        event: {
          ...event,
          name: long(LIMITS.eventName),
          performers,
          seat: { row: long(LIMITS.shortText) },
          venue: { name: long(LIMITS.placeName), address: long(LIMITS.address) },
        },
      }),
    ).toEqual([
      `event.name must be at most ${LIMITS.eventName} characters`,
      `event.venue.name must be at most ${LIMITS.placeName} characters`,
      `event.venue.address must be at most ${LIMITS.address} characters`,
      `event.seat.row must be at most ${LIMITS.shortText} characters`,
      `event.performers must have at most ${LIMITS.performers} items`,
    ]);
    expect(issues({ ...base, style: 'storeCard', points: { balance: LIMITS.pointsMax + 1 } })).toEqual([
      `points.balance must be at most ${LIMITS.pointsMax}`,
    ]);
  });

  it('applies to PUT bodies the same way', () => {
    expect(issues({ style: 'eventTicket' }, parsePassUpdate)).toEqual(['event is required for style eventTicket']);
    expect(issues({ style: 'eventTicket', event }, parsePassUpdate)).toEqual([]);
  });
});

describe('translations', () => {
  it('accepts language tables and a default language', () => {
    expect(issues({ ...base, defaultLanguage: 'en', translations: { de: { Coffee: 'Kaffee' }, 'pt-BR': { Coffee: 'Café' } } })).toEqual([]);
  });

  it('rejects what is not a language tag', () => {
    expect(issues({ ...base, defaultLanguage: 'english' })).toEqual([
      'defaultLanguage must be a BCP 47 language tag such as en, de or pt-BR',
    ]);
    expect(issues({ ...base, translations: { de_DE: { a: 'b' } } })[0]).toMatch(/^translations\.de_DE.*BCP 47/);
  });

  it('rejects the same language twice in different case', () => {
    expect(issues({ ...base, translations: { 'pt-BR': { a: 'b' }, 'pt-br': { a: 'c' } } })).toEqual([
      'translations.pt-br is the same language as pt-BR',
    ]);
  });

  it('enforces the counts and lengths', () => {
    const languages = Object.fromEntries(
      Array.from({ length: LIMITS.translationLanguages + 1 }, (_, i) => [
        `x${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`.slice(0, 3),
        { a: 'b' },
      ]),
    );
    expect(issues({ ...base, translations: languages })).toContain(
      `translations must have at most ${LIMITS.translationLanguages} languages`,
    );
    const entries = Object.fromEntries(Array.from({ length: LIMITS.translationsPerLanguage + 1 }, (_, i) => [`text ${i}`, 't']));
    expect(issues({ ...base, translations: { de: entries } })).toEqual([
      `translations.de must have at most ${LIMITS.translationsPerLanguage} entries`,
    ]);
    expect(issues({ ...base, translations: { de: { a: 'x'.repeat(LIMITS.backFieldValue + 1) } } })).toEqual([
      `translations.de.a must be at most ${LIMITS.backFieldValue} characters`,
    ]);
  });
});
