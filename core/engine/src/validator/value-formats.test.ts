import { isRgbColour, isW3cDateTime } from './value-formats';

describe('isRgbColour', () => {
  test.each(['rgb(0,0,0)', 'rgb(255, 255, 255)', 'rgb( 12 ,34, 56 )', ' rgb(1,2,3) '])('accepts %p', (value) => {
    expect(isRgbColour(value)).toBe(true);
  });

  test.each(['#ffffff', 'red', 'rgb(256,0,0)', 'rgb(1,2)', 'rgba(1,2,3,0.5)', 'rgb(1.5,2,3)', 'rgb(-1,2,3)', '', 42, null])(
    'rejects %p',
    (value) => {
      expect(isRgbColour(value)).toBe(false);
    },
  );
});

describe('isW3cDateTime', () => {
  test.each([
    '2026-05-01T19:30+02:00',
    '2026-05-01T17:30:00Z',
    '2026-05-01T17:30:00.123-05:30',
    '2024-02-29T00:00Z',
    '2000-02-29T23:59:59Z',
  ])('accepts %p', (value) => {
    expect(isW3cDateTime(value)).toBe(true);
  });

  test.each([
    '2026-05-01',
    '2026-05-01T19:30',
    '2026-05-01T19Z',
    '2026-02-29T10:00Z',
    '1900-02-29T10:00Z',
    '2026-13-01T10:00Z',
    '2026-04-31T10:00Z',
    '2026-05-01T24:00Z',
    '2026-05-01T10:60Z',
    '2026-05-01T10:00+25:00',
    '2026-05-01 10:00Z',
    '2026-05-01T10:00+0200',
    1714590000,
  ])('rejects %p', (value) => {
    expect(isW3cDateTime(value)).toBe(false);
  });
});
