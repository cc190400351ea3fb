import fc from 'fast-check';
import { compareDateTimes, isRealDateTime } from './date-time';

describe('isRealDateTime', () => {
  it('takes real dates with a zone and refuses impossible ones', () => {
    for (const good of ['2026-12-31T20:00:00Z', '2028-02-29T00:00+05:30', '2000-02-29T23:59:59.999-08:00', '0100-01-01T00:00Z']) {
      expect(isRealDateTime(good)).toBe(true);
    }
    for (const bad of [
      '2026-02-29T10:00Z',
      '1900-02-29T10:00Z',
      '2026-04-31T10:00Z',
      '2026-13-01T10:00Z',
      '2026-00-10T10:00Z',
      '2026-01-00T10:00Z',
      '2026-01-01T24:00Z',
      '2026-01-01T10:60Z',
      '2026-01-01T10:00:60Z',
      '2026-01-01T10:00',
      '2026-01-01',
    ]) {
      expect(isRealDateTime(bad)).toBe(false);
    }
  });
});

describe('isRealDateTime against the calendar', () => {
  it('agrees with Date.UTC on every digit combination of the pattern', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        two,
        two,
        two,
        two,
        fc.option(two, { nil: undefined }),
        (year, month, day, hour, minute, second) => {
          const text = `${year}-${month}-${day}T${hour}:${minute}${second === undefined ? '' : `:${second}`}Z`;
          const date = new Date(Date.UTC(year, Number(month) - 1, Number(day)));
          const real =
            date.getUTCFullYear() === year &&
            date.getUTCMonth() === Number(month) - 1 &&
            date.getUTCDate() === Number(day) &&
            Number(hour) < 24 &&
            Number(minute) < 60 &&
            Number(second ?? 0) < 60;
          expect(isRealDateTime(text)).toBe(real);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('compareDateTimes', () => {
  const dateTime = fc
    .tuple(
      fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 0, 1) }),
      fc.constantFrom('Z', '+00:00', '+01:00', '-05:00', '+05:30'),
      fc.constantFrom('minutes', 'seconds', 'millis'),
    )
    .map(([ms, zone, precision]) => {
      const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
      const local = new Date(ms + offset * 60_000).toISOString();
      const length = precision === 'minutes' ? 16 : precision === 'seconds' ? 19 : 23;
      return `${local.slice(0, length)}${zone}`;
    });

  it('orders any two date-times as Date.parse does, whatever their zones and precision', () => {
    fc.assert(
      fc.property(dateTime, dateTime, (a, b) => {
        expect(Math.sign(compareDateTimes(a, b))).toBe(Math.sign(Date.parse(a) - Date.parse(b)));
      }),
    );
  });
});
