import { STYLE_EXAMPLE_BODIES } from '../testing';
import fc from 'fast-check';
import { dayIntervals, formatWithOffset, isoSeconds, MAX_RELEVANT_INTERVALS, offsetOf } from './relevant-dates';
import { renderBody } from './test-support/render-body';

describe('relevance of event tickets and boarding passes', () => {
  it('runs from the doors to the end of an event, cut at the venue’s midnight', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.eventTicket);
    expect(passJson.relevantDate).toBe('2026-12-31T20:00:00+01:00');
    expect(passJson.relevantDates).toEqual([
      { startDate: '2026-12-31T20:00:00+01:00', endDate: '2026-12-31T23:59:00+01:00' },
      { startDate: '2027-01-01T00:00:00+01:00', endDate: '2027-01-01T01:00:00+01:00' },
    ]);
  });

  it('runs from boarding to arrival of a trip, in the departure’s offset', () => {
    const { passJson } = renderBody(STYLE_EXAMPLE_BODIES.boardingPass);
    expect(passJson.relevantDate).toBe('2026-12-01T15:00:00-08:00');
    expect(passJson.relevantDates).toEqual([
      { startDate: '2026-12-01T15:00:00-08:00', endDate: '2026-12-01T23:59:00-08:00' },
      { startDate: '2026-12-02T00:00:00-08:00', endDate: '2026-12-02T02:25:00-08:00' },
    ]);
  });

  it('has only the single date when there is no end', () => {
    const body = { style: 'eventTicket', barcodeValue: 'X', barcodeFormat: 'QR' };
    const { passJson } = renderBody({ ...body, event: { name: 'E', startsAt: '2026-05-01T19:30+02:00', venue: { name: 'V' } } });
    expect(passJson.relevantDate).toBe('2026-05-01T19:30:00+02:00');
    expect(passJson).not.toHaveProperty('relevantDates');
  });

  it('lets the body’s own relevantDate win for relevantDate, and keeps the intervals', () => {
    const { passJson } = renderBody({ ...STYLE_EXAMPLE_BODIES.eventTicket, relevantDate: '2026-12-30T12:00:00Z' });
    expect(passJson.relevantDate).toBe('2026-12-30T12:00:00Z');
    expect(passJson.relevantDates).toHaveLength(2);
  });

  it('leaves passes without an event or trip as they were', () => {
    expect(renderBody({ barcodeValue: 'X', barcodeFormat: 'QR' }).passJson).not.toHaveProperty('relevantDate');
    expect(renderBody({ barcodeValue: 'X', barcodeFormat: 'QR' }).passJson).not.toHaveProperty('relevantDates');
  });

  it('stops a very long window at a month of days, with a warning', () => {
    const { passJson, warnings } = renderBody({
      style: 'eventTicket',
      barcodeValue: 'X',
      barcodeFormat: 'QR',
      event: { name: 'Expo', startsAt: '2026-01-01T10:00Z', endsAt: '2026-12-31T18:00Z', venue: { name: 'V' } },
    });
    expect(passJson.relevantDates).toHaveLength(MAX_RELEVANT_INTERVALS);
    expect(warnings).toEqual([expect.stringContaining(`covers the first ${MAX_RELEVANT_INTERVALS}`)]);
  });
});

describe('dayIntervals', () => {
  it('keeps a window inside one local day whole', () => {
    expect(dayIntervals('2026-05-01T18:00:00-04:00', '2026-05-01T23:00:00-04:00')).toEqual({
      intervals: [{ startDate: '2026-05-01T18:00:00-04:00', endDate: '2026-05-01T23:00:00-04:00' }],
      truncated: false,
    });
  });

  it('handles half-hour offsets and UTC', () => {
    expect(offsetOf('2026-05-01T18:00+05:30')).toBe(330);
    expect(offsetOf('2026-05-01T18:00Z')).toBe(0);
    expect(formatWithOffset(Date.parse('2026-05-01T12:30:00Z'), 330)).toBe('2026-05-01T18:00:00+05:30');
    expect(formatWithOffset(Date.parse('2026-05-01T12:30:00Z'), 0)).toBe('2026-05-01T12:30:00Z');
    expect(dayIntervals('2026-05-01T22:00+05:30', '2026-05-02T01:00+05:30').intervals).toEqual([
      { startDate: '2026-05-01T22:00:00+05:30', endDate: '2026-05-01T23:59:00+05:30' },
      { startDate: '2026-05-02T00:00:00+05:30', endDate: '2026-05-02T01:00:00+05:30' },
    ]);
  });
});

describe('formatWithOffset and isoSeconds', () => {
  it('write what toISOString says, shifted by the offset, for any instant of years 1000–9999', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 2), max: Date.UTC(9999, 11, 30) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, offset) => {
          const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
          const zone =
            offset === 0
              ? 'Z'
              : `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
          expect(formatWithOffset(ms, offset)).toBe(`${local}${zone}`);
        },
      ),
    );
  });

  it('pads years below 1000 to four digits', () => {
    expect(formatWithOffset(Date.UTC(999, 0, 1, 5), 0)).toBe('0999-01-01T05:00:00Z');
  });

  it('keeps a date-time already to the second with its offset, and rewrites any other form', () => {
    expect(isoSeconds('2026-06-01T19:30:00+02:00')).toBe('2026-06-01T19:30:00+02:00');
    expect(isoSeconds('2026-06-01T19:30:00Z')).toBe('2026-06-01T19:30:00Z');
    expect(isoSeconds('2026-06-01T19:30:00+00:00')).toBe('2026-06-01T19:30:00Z');
    expect(isoSeconds('2026-06-01T19:30+02:00')).toBe('2026-06-01T19:30:00+02:00');
    expect(isoSeconds('2026-06-01T19:30:00.750-05:00')).toBe('2026-06-01T19:30:00-05:00');
  });

  it('gives a window already in the output form the same intervals as the same instants written otherwise', () => {
    // ".000" before the offset takes the general path; the instants are the same.
    const withMillis = (dateTime: string) => dateTime.replace(/(Z|[+-]\d{2}:\d{2})$/, '.000$1');
    const offsets = fc.constantFrom(0, 60, -300, 330, 840, -720);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        offsets,
        offsets,
        (startMs, minutes, startOffset, endOffset) => {
          const start = formatWithOffset(Math.floor(startMs / 1000) * 1000, startOffset);
          const end = formatWithOffset(Math.floor(startMs / 1000) * 1000 + minutes * 60_000, endOffset);
          expect(dayIntervals(start, end)).toEqual(dayIntervals(withMillis(start), withMillis(end)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
