import { pngDataUri } from '../testing';
import { passImageAssets } from './pass-images';
import { canonicalOf } from './test-support/render-body';

const event = { name: 'E', startsAt: '2026-05-01T19:30+02:00', venue: { name: 'V' } };
const ticket = { style: 'eventTicket', barcodeValue: 'X', barcodeFormat: 'QR', event };
const names = (assets: { name: string }[]) =>
  assets.map((asset) => asset.name.replace(/(@\dx)?\.png$/, '')).filter((n, i, all) => all.indexOf(n) === i);

describe('images each style shows', () => {
  it('keeps an event ticket’s background and thumbnail when it has no strip', () => {
    const pass = canonicalOf({ ...ticket, backgroundURL: pngDataUri(180, 220), thumbnailURL: pngDataUri(90, 90) });
    const { assets, warnings } = passImageAssets(pass, 'eventTicket');
    expect(names(assets)).toEqual(['icon', 'logo', 'thumbnail', 'background']);
    expect(warnings).toEqual([]);
  });

  it('drops the background and thumbnail of an event ticket with a strip, with a warning each', () => {
    const pass = canonicalOf({
      ...ticket,
      stripURL: pngDataUri(375, 98),
      backgroundURL: pngDataUri(180, 220),
      thumbnailURL: pngDataUri(90, 90),
    });
    const { assets, warnings } = passImageAssets(pass, 'eventTicket');
    expect(names(assets)).toEqual(['icon', 'logo', 'strip']);
    expect(warnings).toEqual([
      'thumbnailURL is not shown on an eventTicket with a strip image and was left out',
      'backgroundURL is not shown on an eventTicket with a strip image and was left out',
    ]);
  });

  it('shows a boarding pass’s footer and no strip', () => {
    const trip = {
      carrier: 'Rail',
      origin: { name: 'A', departsAt: '2026-05-01T08:00Z' },
      destination: { name: 'B' },
      passenger: 'P',
    };
    const body = { style: 'boardingPass', transitType: 'train', barcodeValue: 'X', barcodeFormat: 'QR', trip };
    const pass = canonicalOf({ ...body, footerURL: pngDataUri(286, 15), stripURL: pngDataUri(375, 98) });
    const { assets, warnings } = passImageAssets(pass, 'boardingPass');
    expect(names(assets)).toEqual(['icon', 'logo', 'footer']);
    expect(warnings).toEqual(['stripURL is not shown on the boardingPass layout and was left out']);
  });
});
