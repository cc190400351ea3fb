import { fieldCapacityWarnings } from './field-capacity';
import { canonicalOf } from './test-support/render-body';

const fields = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => ({ label: `${prefix}${i}`, value: 'v' }));
const five = { secondaryFields: fields('S', 4), auxiliaryFields: fields('A', 1) };

describe('fieldCapacityWarnings per style', () => {
  it('holds coupons to four secondary and auxiliary fields together, whatever the barcode', () => {
    const pass = canonicalOf({ style: 'coupon', barcodeValue: 'X', barcodeFormat: 'PDF417', ...five });
    expect(fieldCapacityWarnings(pass, 'coupon')).toEqual([expect.stringContaining('on a coupon; this pass has 5')]);
  });

  it('lets event tickets and boarding passes show a row of each, even beside a QR code', () => {
    const event = { name: 'E', startsAt: '2026-05-01T19:30+02:00', venue: { name: 'V' } };
    const ticket = canonicalOf({ style: 'eventTicket', barcodeValue: 'X', barcodeFormat: 'QR', event, ...five });
    expect(fieldCapacityWarnings(ticket, 'eventTicket')).toEqual([]);
    const trip = { carrier: 'Rail', origin: { name: 'A', departsAt: '2026-05-01T08:00Z' }, destination: { name: 'B' }, passenger: 'P' };
    const boarding = canonicalOf({ style: 'boardingPass', transitType: 'bus', barcodeValue: 'X', barcodeFormat: 'QR', trip, ...five });
    expect(fieldCapacityWarnings(boarding, 'boardingPass')).toEqual([]);
  });
});
