import { STYLE_EXAMPLE_BODIES } from '../testing';
import { renderBody } from './test-support/render-body';

const local = { ignoresTimeZone: true, timeStyle: 'PKDateStyleShort' };

describe('default front fields', () => {
  it('fills an event ticket’s empty front from the event', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.eventTicket);
    expect(passJson.eventTicket).toEqual({
      primaryFields: [{ key: 'event', label: 'EVENT', value: 'Midnight Orchestra' }],
      secondaryFields: [
        { key: 'venue', label: 'VENUE', value: 'Harbour Hall' },
        { key: 'date', label: 'DATE', value: '2026-12-31T21:00:00+01:00', dateStyle: 'PKDateStyleMedium', ...local },
      ],
      auxiliaryFields: [
        { key: 'section', label: 'SECTION', value: 'Stalls' },
        { key: 'row', label: 'ROW', value: 'F' },
        { key: 'seat', label: 'SEAT', value: '12' },
        { key: 'doors', label: 'DOORS', value: '2026-12-31T20:00:00+01:00', dateStyle: 'PKDateStyleNone', ...local },
      ],
    });
  });

  it('fills a boarding pass’s empty front from the trip: codes under city names, gate, passenger, times', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.boardingPass);
    expect(passJson.boardingPass).toEqual({
      transitType: 'PKTransitTypeAir',
      headerFields: [{ key: 'gate', label: 'GATE', value: 'A12' }],
      primaryFields: [
        { key: 'origin', label: 'San Francisco', value: 'SFO' },
        { key: 'destination', label: 'Frankfurt', value: 'FRA' },
      ],
      secondaryFields: [
        { key: 'passenger', label: 'PASSENGER', value: 'APPLESEED/JOHN' },
        { key: 'departs', label: 'DEPARTS', value: '2026-12-01T15:40:00-08:00', dateStyle: 'PKDateStyleMedium', ...local },
      ],
      auxiliaryFields: [
        { key: 'number', label: 'FLIGHT', value: 'LH454' },
        { key: 'group', label: 'GROUP', value: '3' },
        { key: 'seat', label: 'SEAT', value: '14A' },
        { key: 'boards', label: 'BOARDS', value: '2026-12-01T15:00:00-08:00', dateStyle: 'PKDateStyleNone', ...local },
      ],
    });
  });

  it('uses station names and the platform when a trip has no codes or gate', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.trainTicket);
    expect(passJson.boardingPass).toMatchObject({
      transitType: 'PKTransitTypeTrain',
      headerFields: [{ key: 'platform', label: 'PLATFORM', value: '7' }],
      primaryFields: [
        { key: 'origin', label: 'FROM', value: 'Hamburg Hbf' },
        { key: 'destination', label: 'TO', value: 'München Hbf' },
      ],
      auxiliaryFields: [
        { key: 'number', label: 'TRAIN', value: 'ICE 578' },
        { key: 'seat', label: 'SEAT', value: 'Car 9, 45' },
      ],
    });
  });

  it('leaves the front alone when the caller gave any front field', () => {
    const { passJson } = renderBody({ ...STYLE_EXAMPLE_BODIES.eventTicket, headerFields: [{ label: 'TIER', value: 'Gold' }] });
    expect(passJson.eventTicket).toEqual({ headerFields: [{ key: 'header0', label: 'TIER', value: 'Gold' }] });
  });

  it('keeps keys unique when a back field already uses one', () => {
    const { passJson } = renderBody({
      ...STYLE_EXAMPLE_BODIES.eventTicket,
      backFields: [{ key: 'seat', label: 'Seat info', value: 'Aisle' }],
    });
    const ticket = passJson.eventTicket as Record<string, { key: string }[]>;
    expect(ticket.auxiliaryFields!.map((field) => field.key)).toEqual(['section', 'row', 'seat_2', 'doors']);
    expect(ticket.backFields!.map((field) => field.key)).toEqual(['seat']);
  });

  it('shows the admission level when there is no seat', () => {
    const { passJson } = renderBody({
      style: 'eventTicket',
      barcodeValue: 'X',
      barcodeFormat: 'QR',
      event: { name: 'Expo', startsAt: '2026-05-01T09:00Z', venue: { name: 'Hall 3' }, admissionLevel: 'VIP' },
    });
    expect(passJson.eventTicket).toMatchObject({ auxiliaryFields: [{ key: 'admission', label: 'ADMISSION', value: 'VIP' }] });
  });
});
