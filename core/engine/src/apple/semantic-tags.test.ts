import { STYLE_EXAMPLE_BODIES } from '../testing';
import { personNameComponents } from './semantic-tags';
import { renderBody } from './test-support/render-body';

describe('semantic tags', () => {
  it('describes an event ticket’s event, venue, seat and performers', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.eventTicket);
    expect(passJson.semantics).toEqual({
      eventType: 'PKEventTypeLivePerformance',
      eventName: 'Midnight Orchestra',
      eventStartDate: '2026-12-31T21:00:00+01:00',
      eventEndDate: '2027-01-01T01:00:00+01:00',
      venueName: 'Harbour Hall',
      venueLocation: { latitude: 53.5413, longitude: 9.9841 },
      venueEntrance: 'Gate B',
      venueDoorsOpenDate: '2026-12-31T20:00:00+01:00',
      performerNames: ['Midnight Orchestra', 'The Openers'],
      seats: [{ seatSection: 'Stalls', seatRow: 'F', seatNumber: '12' }],
    });
  });

  it('leaves out what the event does not say, and calls an event without performers generic', () => {
    const { passJson } = renderBody({
      style: 'eventTicket',
      barcodeValue: 'X',
      barcodeFormat: 'QR',
      event: { name: 'Expo', startsAt: '2026-05-01T09:00Z', venue: { name: 'Hall 3' }, admissionLevel: 'VIP' },
    });
    expect(passJson.semantics).toEqual({
      eventType: 'PKEventTypeGeneric',
      eventName: 'Expo',
      eventStartDate: '2026-05-01T09:00Z',
      venueName: 'Hall 3',
      admissionLevel: 'VIP',
    });
  });

  it('gives a flight the airline tags, the schedule, the passenger and the seat', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.boardingPass);
    expect(passJson.semantics).toEqual({
      transitProvider: 'Lufthansa',
      airlineCode: 'LH',
      flightCode: 'LH454',
      flightNumber: 454,
      departureAirportCode: 'SFO',
      departureAirportName: 'San Francisco',
      departureTerminal: 'I',
      departureGate: 'A12',
      destinationAirportCode: 'FRA',
      destinationAirportName: 'Frankfurt',
      destinationTerminal: '1',
      originalDepartureDate: '2026-12-01T15:40:00-08:00',
      currentDepartureDate: '2026-12-01T15:40:00-08:00',
      originalArrivalDate: '2026-12-02T11:25:00+01:00',
      currentArrivalDate: '2026-12-02T11:25:00+01:00',
      originalBoardingDate: '2026-12-01T15:00:00-08:00',
      currentBoardingDate: '2026-12-01T15:00:00-08:00',
      duration: 38700,
      boardingGroup: '3',
      ticketFareClass: 'Economy',
      passengerName: { familyName: 'APPLESEED', givenName: 'JOHN' },
      seats: [{ seatNumber: '14A' }],
      confirmationNumber: 'ABC123',
    });
  });

  it('names stations and the vehicle number on a train, with no airline tags', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.trainTicket);
    expect(passJson.semantics).toMatchObject({
      transitProvider: 'Deutsche Bahn',
      vehicleNumber: 'ICE 578',
      departureStationName: 'Hamburg Hbf',
      departurePlatform: '7',
      destinationStationName: 'München Hbf',
      passengerName: { givenName: 'Erika', familyName: 'Mustermann' },
    });
    const tags = Object.keys(passJson.semantics as object);
    expect(tags.filter((tag) => /Airport|airline|flight/.test(tag))).toEqual([]);
  });

  it('keeps a suffixed flight number out of the numeric flightNumber tag', () => {
    const body = STYLE_EXAMPLE_BODIES.boardingPass;
    const { passJson } = renderBody({ ...body, trip: { ...body.trip, number: '454A' } });
    expect(passJson.semantics).toMatchObject({ flightCode: 'LH454A' });
    expect(passJson.semantics).not.toHaveProperty('flightNumber');
  });

  it('has no semantics on the other styles', () => {
    expect(renderBody(STYLE_EXAMPLE_BODIES.coupon).passJson).not.toHaveProperty('semantics');
    expect(renderBody(STYLE_EXAMPLE_BODIES.storeCardWithPoints).passJson).not.toHaveProperty('semantics');
  });

  it.each([
    ['APPLESEED/JOHN', { familyName: 'APPLESEED', givenName: 'JOHN' }],
    ['Mary Ann Smith', { givenName: 'Mary Ann', familyName: 'Smith' }],
    ['Cher', { givenName: 'Cher' }],
    ['  Ada   Lovelace ', { givenName: 'Ada', familyName: 'Lovelace' }],
    ['/X', { givenName: '/X' }],
  ])('splits %j into PersonNameComponents', (name, components) => {
    expect(personNameComponents(name)).toEqual(components);
  });
});
