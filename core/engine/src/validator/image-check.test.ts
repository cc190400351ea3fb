import { readPngHeader } from './png-header';
import { codesOf, errorCodesOf, problemWith } from './test-support/report-helpers';
import { type PassJson, useTestIdentity } from './test-support/openssl-pass';
import { encodePng } from './test-support/png-encoder';

const { validate } = useTestIdentity();

function asStyle(style: string): (pass: PassJson) => void {
  return (pass) => {
    pass[style] = pass.generic;
    delete pass.generic;
  };
}

describe('PNG header', () => {
  test('reads width and height', () => {
    expect(readPngHeader(encodePng(58, 29))).toEqual({ kind: 'png', width: 58, height: 29 });
  });

  test('rejects a missing signature, a short file and a bad checksum', () => {
    expect(readPngHeader(new TextEncoder().encode('GIF89a')).kind).toBe('not_png');
    expect(readPngHeader(encodePng(4, 4).subarray(0, 20)).kind).toBe('bad_ihdr');
    const corrupted = encodePng(4, 4);
    corrupted[17] = 0x7f;
    expect(readPngHeader(corrupted)).toEqual({ kind: 'bad_ihdr', reason: 'the IHDR checksum is wrong' });
  });
});

describe('required icon', () => {
  test('a missing icon.png is an error', () => {
    const report = validate({ files: { 'icon.png': null } });
    expect(errorCodesOf(report)).toEqual(['icon_missing']);
  });

  test('a missing icon@2x.png is a warning', () => {
    const report = validate({ files: { 'icon@2x.png': null } });
    expect(codesOf(report)).toEqual(['icon_2x_missing']);
    expect(report.ok).toBe(true);
  });
});

describe('PNG validity', () => {
  test('a file named .png that is not a PNG', () => {
    const report = validate({ files: { 'logo.png': new TextEncoder().encode('<svg/>') } });
    expect(errorCodesOf(report)).toEqual(['image_not_png']);
    expect(problemWith(report, 'image_not_png').file).toBe('logo.png');
  });

  test('a PNG cut off before its IHDR chunk', () => {
    const report = validate({ files: { 'logo.png': encodePng(120, 40).subarray(0, 24) } });
    expect(errorCodesOf(report)).toEqual(['image_unreadable']);
  });

  test('localised images are checked too', () => {
    const report = validate({ files: { 'de.lproj/logo.png': new Uint8Array([1, 2, 3]) } });
    expect(problemWith(report, 'image_not_png').file).toBe('de.lproj/logo.png');
  });
});

describe('dimensions (warnings)', () => {
  test('a wrong-size icon', () => {
    const report = validate({ files: { 'icon.png': encodePng(40, 40) } });
    const problem = problemWith(report, 'image_size_unexpected');
    expect(problem.severity).toBe('warning');
    expect(problem.file).toBe('icon.png');
    expect(problem.message).toContain('29×29');
    expect(report.ok).toBe(true);
  });

  test('an @2x icon is checked at double size', () => {
    const report = validate({ files: { 'icon@2x.png': encodePng(29, 29) } });
    expect(codesOf(report)).toEqual(['image_size_unexpected', 'image_scale_mismatch']);
    expect(problemWith(report, 'image_size_unexpected').message).toContain('58×58');
  });

  test('a logo larger than 160×50 points', () => {
    expect(codesOf(validate({ files: { 'logo.png': encodePng(320, 100) } }))).toEqual(['image_size_unexpected']);
  });

  test('an @2x logo that is not about twice the 1x logo', () => {
    const report = validate({ files: { 'logo@2x.png': encodePng(200, 60) } });
    expect(codesOf(report)).toEqual(['image_scale_mismatch']);
    expect(problemWith(report, 'image_scale_mismatch').file).toBe('logo@2x.png');
  });

  test('an @2x logo within a pixel of twice the 1x logo is fine', () => {
    expect(validate({ files: { 'logo@2x.png': encodePng(241, 80) } }).problems).toEqual([]);
  });

  test('a footer wider than 286 points on a boarding pass', () => {
    const boardingPass = (pass: PassJson) => {
      pass.boardingPass = { ...(pass.generic as PassJson), transitType: 'PKTransitTypeTrain' };
      delete pass.generic;
    };
    const report = validate({ editPass: boardingPass, files: { 'footer.png': encodePng(300, 15) } });
    expect(codesOf(report)).toEqual(['image_size_unexpected']);
    expect(problemWith(report, 'image_size_unexpected').message).toContain('at most 286×15');
  });
});

describe('images the style does not use (warnings)', () => {
  test.each([
    ['background.png', 'generic', encodePng(180, 220)],
    ['strip.png', 'generic', encodePng(375, 123)],
    ['thumbnail.png', 'storeCard', encodePng(90, 90)],
    ['footer.png', 'storeCard', encodePng(286, 15)],
    ['background.png', 'coupon', encodePng(180, 220)],
  ])('%s on a %s pass', (file, style, png) => {
    const report = validate({ editPass: style === 'generic' ? undefined : asStyle(style), files: { [file]: png } });
    expect(codesOf(report)).toEqual(['image_unused_by_style']);
    expect(problemWith(report, 'image_unused_by_style').file).toBe(file);
    expect(report.ok).toBe(true);
  });

  test('an event ticket with a strip and a thumbnail', () => {
    const report = validate({
      editPass: asStyle('eventTicket'),
      files: { 'strip.png': encodePng(375, 98), 'thumbnail.png': encodePng(90, 90) },
    });
    expect(codesOf(report)).toEqual(['image_combination_unsupported']);
  });

  test('a PNG with a name Wallet does not know', () => {
    expect(codesOf(validate({ files: { 'banner.png': encodePng(10, 10) } }))).toEqual(['image_unknown_name']);
  });

  test('a thumbnail on a generic pass is fine', () => {
    expect(validate({ files: { 'thumbnail.png': encodePng(90, 90), 'thumbnail@2x.png': encodePng(180, 180) } }).problems).toEqual([]);
  });
});
