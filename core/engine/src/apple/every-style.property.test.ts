import fc from 'fast-check';
import { normalisePassInput } from '../normalise';
import { parsePassInput } from '../schema';
import { PASS_STYLES, TRANSIT_TYPES } from '../schema/limits';
import { opensslVerifyPass, pngDataUri, STYLE_EXAMPLE_BODIES, testIdentity } from '../testing';
import { validatePkpass } from '../validator';
import { createPassBuilder } from './pkpass';
import { formatWithOffset } from './relevant-dates';

/**
 * Random valid bodies of every style go the whole way: schema, normalisation, pass.json, images,
 * manifest and signature; Passmint's own validator must find no error in any of them, and openssl
 * must accept a sample of the signatures.
 */
const word = fc.stringMatching(/^[A-Za-zÄÖÜäöüéçñ0-9][A-Za-z0-9 äöüéçñ.,&'’-]{0,23}$/).filter((s) => s.trim() === s);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const OFFSETS = [-480, -300, 0, 60, 330, 540];

/** A W3C date-time in 2026–2030, to the minute, with one of a few real offsets. */
const dateTime = fc.record({
  ms: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => ms - (ms % 60_000)),
  offset: fc.constantFrom(...OFFSETS),
});
const at = (ms: number, offset: number) => formatWithOffset(ms, offset);
const MINUTE = 60_000;

const IMAGES = {
  logoURL: pngDataUri(320, 100),
  iconURL: pngDataUri(87, 87),
  thumbnailURL: pngDataUri(180, 180),
  stripURL: pngDataUri(750, 246),
  backgroundURL: pngDataUri(360, 440),
  footerURL: pngDataUri(572, 30),
};
const images = fc
  .subarray(Object.keys(IMAGES) as (keyof typeof IMAGES)[])
  .map((roles) => Object.fromEntries(roles.map((role) => [role, IMAGES[role]])));

const field = fc.record({ label: maybe(word), value: fc.oneof(word, fc.integer({ min: -1e6, max: 1e6 })) }, { requiredKeys: ['value'] });
const fieldList = (max: number) => fc.array(field, { maxLength: max });
const frontFields = (primaryMax: number) =>
  fc.oneof(
    fc.constant({}),
    fc.record({
      headerFields: fieldList(3),
      primaryFields: fieldList(primaryMax),
      secondaryFields: fieldList(4),
      auxiliaryFields: fieldList(4),
    }),
  );

const barcode = fc.oneof(
  fc.record({
    barcodeFormat: fc.constantFrom('QR', 'PDF417', 'Aztec'),
    barcodeValue: fc
      .string({ minLength: 1, maxLength: 60 })
      .filter((s) => /\S/.test(s) && !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s)),
  }),
  fc.record({ barcodeFormat: fc.constant('Code128'), barcodeValue: fc.stringMatching(/^[A-Z0-9-]{1,40}$/) }),
);

const event = fc
  .record({
    name: word,
    start: dateTime,
    hours: maybe(fc.integer({ min: 1, max: 72 })),
    doorsBefore: maybe(fc.integer({ min: 0, max: 120 })),
    venue: fc.record(
      {
        name: word,
        address: maybe(word),
        entrance: maybe(word),
        place: maybe(
          fc.record({
            latitude: fc.double({ min: -90, max: 90, noNaN: true }),
            longitude: fc.double({ min: -180, max: 180, noNaN: true }),
          }),
        ),
      },
      { requiredKeys: ['name'] },
    ),
    seat: maybe(fc.record({ section: maybe(word), row: maybe(word), number: maybe(word), type: maybe(word) }, { requiredKeys: [] })),
    performers: maybe(fc.array(word, { minLength: 1, maxLength: 3 })),
    admissionLevel: maybe(word),
  })
  .map(({ start, hours, doorsBefore, venue: { place, ...venue }, ...rest }) => ({
    ...rest,
    startsAt: at(start.ms, start.offset),
    endsAt: hours === undefined ? undefined : at(start.ms + hours * 60 * MINUTE, start.offset),
    doorsOpenAt: doorsBefore === undefined ? undefined : at(start.ms - doorsBefore * MINUTE, start.offset),
    venue: { ...venue, ...place },
  }));

const code = (length: number) => fc.stringMatching(new RegExp(`^[A-Z]{${length}}$`));
const trip = (air: boolean) =>
  fc
    .record({
      carrier: word,
      carrierCode: air ? code(2) : maybe(code(2)),
      number: air ? fc.stringMatching(/^\d{1,4}[A-Z]?$/) : maybe(word.filter((s) => s.length <= 32)),
      originCode: air ? code(3) : maybe(code(3)),
      destinationCode: air ? code(3) : maybe(code(3)),
      originName: word,
      destinationName: word,
      gate: maybe(code(2)),
      platform: maybe(fc.stringMatching(/^\d{1,2}$/)),
      terminal: maybe(code(1)),
      departs: dateTime,
      arrivalOffset: fc.constantFrom(...OFFSETS),
      minutes: maybe(fc.integer({ min: 20, max: 20 * 60 })),
      boardsBefore: maybe(fc.integer({ min: 0, max: 60 })),
      passenger: word,
      seat: maybe(fc.stringMatching(/^\d{1,2}[A-K]$/)),
      boardingGroup: maybe(fc.stringMatching(/^[1-9]$/)),
      cabin: maybe(word),
      confirmationNumber: maybe(fc.stringMatching(/^[A-Z0-9]{6}$/)),
    })
    .map((t) => ({
      carrier: t.carrier,
      carrierCode: t.carrierCode,
      number: t.number,
      origin: {
        code: t.originCode,
        name: t.originName,
        gate: t.gate,
        platform: t.platform,
        terminal: t.terminal,
        departsAt: at(t.departs.ms, t.departs.offset),
      },
      destination: {
        code: t.destinationCode,
        name: t.destinationName,
        arrivesAt: t.minutes === undefined ? undefined : at(t.departs.ms + t.minutes * MINUTE, t.arrivalOffset),
      },
      boardsAt: t.boardsBefore === undefined ? undefined : at(t.departs.ms - t.boardsBefore * MINUTE, t.departs.offset),
      passenger: t.passenger,
      seat: t.seat,
      boardingGroup: t.boardingGroup,
      cabin: t.cabin,
      confirmationNumber: t.confirmationNumber,
    }));

const common = fc.record(
  {
    logoText: maybe(word),
    description: maybe(word),
    backFields: fieldList(3),
    relevantDate: maybe(dateTime.map((d) => at(d.ms, d.offset))),
  },
  { requiredKeys: ['backFields'] },
);

const styled = fc.oneof(
  fc.record({ style: fc.constantFrom('generic', 'coupon', undefined), front: frontFields(1) }),
  fc.record({
    style: fc.constant('storeCard'),
    front: frontFields(1),
    points: maybe(fc.record({ balance: fc.integer({ min: -1e9, max: 1e9 }), label: maybe(word) }, { requiredKeys: ['balance'] })),
  }),
  fc.record({ style: fc.constant('eventTicket'), front: frontFields(1), event }),
  fc.constantFrom(...TRANSIT_TYPES).chain((transitType) =>
    fc.record({
      style: fc.constant('boardingPass'),
      transitType: fc.constant(transitType),
      front: frontFields(2),
      trip: trip(transitType === 'air'),
    }),
  ),
);

const body = fc
  .tuple(styled, barcode, common, images)
  .map(([{ front, ...style }, code, rest, pictures]) => ({ ...style, ...front, ...code, ...rest, ...pictures }));

const OWN_WARNINGS = [
  'relevant_interval_long',
  'style_scheme_unknown',
  'style_scheme_mismatch',
  'poster_requirements_missing',
  'poster_with_barcode',
];

/** Drops undefined members, as JSON would: the schema is strict about what is there. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('every style, property-tested', () => {
  const { identity, pems } = testIdentity();
  const builder = createPassBuilder(identity);
  const context = { serialNumber: 'PROP-1', organizationName: 'Prop Co', issuedAt: new Date('2026-01-01T00:00:00Z') };

  it('covers every style', () => {
    expect(PASS_STYLES).toEqual(['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass']);
  });

  it.each(Object.entries(STYLE_EXAMPLE_BODIES))('signs the %s example into a pass with no problem at all', (_name, example) => {
    const parsed = parsePassInput(example);
    if (!parsed.ok) throw parsed.error;
    const built = builder.build(normalisePassInput(parsed.value), context);
    expect(built.warnings).toEqual([]);
    expect(validatePkpass(built.pkpass, { trustedRoots: [pems.caCertificatePem] }).problems).toEqual([]);
    expect(opensslVerifyPass(built.pkpass, pems.caCertificatePem)).toMatchObject({ ok: true });
  });

  it('builds, signs and validates random valid bodies with no error', () => {
    let verified = 0;
    fc.assert(
      fc.property(body, (candidate) => {
        const parsed = parsePassInput(asJson(candidate));
        if (!parsed.ok) throw new Error(`the generator made an invalid body: ${JSON.stringify(parsed.error)}`);
        const built = builder.build(normalisePassInput(parsed.value), context);
        const report = validatePkpass(built.pkpass, { trustedRoots: [pems.caCertificatePem] });
        expect(report.problems.filter((problem) => problem.severity === 'error')).toEqual([]);
        // What Passmint itself writes (intervals, schemes) must not draw the validator's warnings either.
        expect(report.problems.filter((problem) => OWN_WARNINGS.includes(problem.code))).toEqual([]);
        if (verified < 5) {
          expect(opensslVerifyPass(built.pkpass, pems.caCertificatePem)).toMatchObject({ ok: true });
          verified += 1;
        }
      }),
      { numRuns: 80, seed: 18 },
    );
  });
});
