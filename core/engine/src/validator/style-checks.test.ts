import { checkPassJson } from './pass-json-check';
import { Problems } from './problems';
import { defaultPassJson, type PassJson } from './test-support/openssl-pass';

/** The default fixture turned into an event ticket with the semantics Passmint emits. */
function eventTicket(): PassJson {
  const pass = defaultPassJson();
  pass.eventTicket = { primaryFields: [{ key: 'event', label: 'EVENT', value: 'Concert' }] };
  delete pass.generic;
  pass.semantics = {
    eventType: 'PKEventTypeLivePerformance',
    eventName: 'Concert',
    eventStartDate: '2026-12-31T21:00:00+01:00',
    venueName: 'Hall',
    venueLocation: { latitude: 53.5, longitude: 9.9 },
    seats: [{ seatSection: 'A', seatRow: '1', seatNumber: '2' }],
    performerNames: ['Band'],
  };
  pass.relevantDates = [{ startDate: '2026-12-31T20:00:00+01:00', endDate: '2026-12-31T23:59:00+01:00' }];
  return pass;
}

function boardingPass(): PassJson {
  const pass = defaultPassJson();
  pass.boardingPass = {
    transitType: 'PKTransitTypeAir',
    primaryFields: [
      { key: 'origin', label: 'San Francisco', value: 'SFO' },
      { key: 'destination', label: 'Frankfurt', value: 'FRA' },
    ],
  };
  delete pass.generic;
  pass.semantics = {
    airlineCode: 'LH',
    flightNumber: 454,
    departureAirportCode: 'SFO',
    originalDepartureDate: '2026-12-01T15:40:00-08:00',
    passengerName: { givenName: 'John', familyName: 'Appleseed' },
    duration: 38700,
  };
  return pass;
}

function check(pass: PassJson): { severity: string; code: string; path?: string }[] {
  const problems = new Problems();
  checkPassJson(pass, problems);
  return problems.sorted().map(({ severity, code, path }) => (path === undefined ? { severity, code } : { severity, code, path }));
}

describe('the validator on event tickets and boarding passes', () => {
  it('accepts what Passmint emits for both', () => {
    expect(check(eventTicket())).toEqual([]);
    expect(check(boardingPass())).toEqual([]);
  });

  /** [what, edit, expected code, path]: each a pass.json Wallet would refuse. */
  const ERRORS: [string, (pass: PassJson) => void, string, string][] = [
    ['a numeric eventName', (p) => ((p.semantics as PassJson).eventName = 42), 'semantic_tag_invalid', 'semantics.eventName'],
    [
      'a start date without zone',
      (p) => ((p.semantics as PassJson).eventStartDate = '2026-12-31T21:00'),
      'date_invalid',
      'semantics.eventStartDate',
    ],
    ['an unknown event type', (p) => ((p.semantics as PassJson).eventType = 'Concert'), 'semantic_tag_invalid', 'semantics.eventType'],
    [
      'a location as a string',
      (p) => ((p.semantics as PassJson).venueLocation = '53.5,9.9'),
      'semantic_tag_invalid',
      'semantics.venueLocation',
    ],
    [
      'a latitude off the globe',
      (p) => ((p.semantics as PassJson).venueLocation = { latitude: 91, longitude: 0 }),
      'semantic_tag_invalid',
      'semantics.venueLocation',
    ],
    ['seats as one object', (p) => ((p.semantics as PassJson).seats = { seatNumber: '2' }), 'semantic_tag_invalid', 'semantics.seats'],
    ['a numeric seat number', (p) => ((p.semantics as PassJson).seats = [{ seatNumber: 2 }]), 'semantic_tag_invalid', 'semantics.seats'],
    [
      'performers as a string',
      (p) => ((p.semantics as PassJson).performerNames = 'Band'),
      'semantic_tag_invalid',
      'semantics.performerNames',
    ],
    [
      'an interval without end',
      (p) => (p.relevantDates = [{ startDate: '2026-12-31T20:00Z' }]),
      'relevant_dates_invalid',
      'relevantDates.0.endDate',
    ],
    [
      'an interval ending before it starts',
      (p) => (p.relevantDates = [{ startDate: '2026-12-31T20:00Z', endDate: '2026-12-31T19:00Z' }]),
      'relevant_dates_invalid',
      'relevantDates.0.endDate',
    ],
    [
      'preferredStyleSchemes as a string',
      (p) => (p.preferredStyleSchemes = 'posterEventTicket'),
      'style_schemes_invalid',
      'preferredStyleSchemes',
    ],
  ];
  it.each(ERRORS)('refuses %s', (_what, edit, code, path) => {
    const pass = eventTicket();
    edit(pass);
    expect(check(pass)).toContainEqual({ severity: 'error', code, path });
  });

  const BOARDING_ERRORS: [string, (pass: PassJson) => void, string, string][] = [
    [
      'a flight number as a string',
      (p) => ((p.semantics as PassJson).flightNumber = '454'),
      'semantic_tag_invalid',
      'semantics.flightNumber',
    ],
    [
      'a passenger name as a string',
      (p) => ((p.semantics as PassJson).passengerName = 'John Appleseed'),
      'semantic_tag_invalid',
      'semantics.passengerName',
    ],
    [
      'a numeric family name',
      (p) => ((p.semantics as PassJson).passengerName = { familyName: 7 }),
      'semantic_tag_invalid',
      'semantics.passengerName',
    ],
    ['a duration in words', (p) => ((p.semantics as PassJson).duration = '10h'), 'semantic_tag_invalid', 'semantics.duration'],
    [
      'an unknown transit type',
      (p) => ((p.boardingPass as PassJson).transitType = 'PKTransitTypePlane'),
      'transit_type_invalid',
      'boardingPass.transitType',
    ],
  ];
  it.each(BOARDING_ERRORS)('refuses a boarding pass with %s', (_what, edit, code, path) => {
    const pass = boardingPass();
    edit(pass);
    expect(check(pass)).toContainEqual({ severity: 'error', code, path });
  });

  it('leaves tags it does not know alone', () => {
    const pass = eventTicket();
    (pass.semantics as PassJson).someFutureTag = { anything: true };
    (pass.semantics as PassJson).seats = [{ seatNumber: '2', seatFutureKey: 3 }];
    expect(check(pass)).toEqual([]);
  });

  it('warns on a poster request Wallet will not honour, and names what is missing', () => {
    const pass = eventTicket();
    pass.preferredStyleSchemes = ['posterEventTicket', 'eventTicket'];
    expect(check(pass)).toEqual([
      { severity: 'warning', code: 'poster_requirements_missing', path: 'preferredStyleSchemes' },
      { severity: 'warning', code: 'poster_with_barcode', path: 'preferredStyleSchemes' },
    ]);
    const semantics = pass.semantics as PassJson;
    Object.assign(semantics, { venueRegionName: 'Hamburg', venueRoom: 'Main hall' });
    delete pass.barcodes;
    expect(check(pass)).toEqual([]);
  });

  it('warns on schemes that are unknown or belong to another style', () => {
    const pass = boardingPass();
    pass.preferredStyleSchemes = ['posterEventTicket', 'fancy', 'semanticBoardingPass'];
    expect(check(pass)).toEqual([
      { severity: 'warning', code: 'style_scheme_mismatch', path: 'preferredStyleSchemes.0' },
      { severity: 'warning', code: 'style_scheme_unknown', path: 'preferredStyleSchemes.1' },
    ]);
    (pass.boardingPass as PassJson).transitType = 'PKTransitTypeTrain';
    expect(check(pass)).toContainEqual({ severity: 'warning', code: 'style_scheme_mismatch', path: 'preferredStyleSchemes' });
  });

  it('warns on an interval longer than a day', () => {
    const pass = eventTicket();
    pass.relevantDates = [{ startDate: '2026-12-30T20:00Z', endDate: '2026-12-31T21:00Z' }];
    expect(check(pass)).toEqual([{ severity: 'warning', code: 'relevant_interval_long', path: 'relevantDates.0' }]);
  });

  it('warns on fields past what each style shows', () => {
    const field = (key: string) => ({ key, value: key });
    const coupon = defaultPassJson();
    coupon.coupon = { secondaryFields: ['a', 'b', 'c'].map(field), auxiliaryFields: ['d', 'e'].map(field) };
    delete coupon.generic;
    expect(check(coupon)).toEqual([{ severity: 'warning', code: 'fields_not_shown', path: 'coupon' }]);
    const boarding = boardingPass();
    (boarding.boardingPass as PassJson).primaryFields = ['a', 'b', 'c'].map(field);
    (boarding.boardingPass as PassJson).auxiliaryFields = ['d', 'e', 'f', 'g', 'h'].map(field);
    expect(check(boarding)).toEqual([{ severity: 'warning', code: 'fields_not_shown', path: 'boardingPass.primaryFields' }]);
    const ticket = eventTicket();
    (ticket.eventTicket as PassJson).secondaryFields = ['a', 'b', 'c', 'd'].map(field);
    (ticket.eventTicket as PassJson).auxiliaryFields = ['e', 'f', 'g', 'h'].map(field);
    expect(check(ticket)).toEqual([]);
  });
});
