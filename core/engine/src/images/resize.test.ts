import { fitWithin, resizeRgba } from './resize';

const solid = (width: number, height: number, rgba: number[]) => ({
  width,
  height,
  pixels: Uint8Array.from({ length: width * height * 4 }, (_, i) => rgba[i % 4]!),
});

describe('resizeRgba', () => {
  it('averages the area under each target pixel', () => {
    const source = { width: 2, height: 1, pixels: Uint8Array.from([0, 0, 0, 255, 200, 100, 50, 255]) };
    expect(Array.from(resizeRgba(source, 1, 1).pixels)).toEqual([100, 50, 25, 255]);
  });

  it('weights colour by alpha, so a transparent neighbour does not darken an edge', () => {
    const source = { width: 2, height: 1, pixels: Uint8Array.from([255, 255, 255, 255, 0, 0, 0, 0]) };
    expect(Array.from(resizeRgba(source, 1, 1).pixels)).toEqual([255, 255, 255, 128]);
  });

  it('handles fractional coverage and keeps a solid colour solid', () => {
    const out = resizeRgba(solid(7, 5, [10, 20, 30, 255]), 3, 2);
    expect(out.width * out.height * 4).toBe(out.pixels.length);
    for (let i = 0; i < out.pixels.length; i += 4) expect(Array.from(out.pixels.subarray(i, i + 4))).toEqual([10, 20, 30, 255]);
  });

  it('enlarges by repeating source pixels', () => {
    const source = { width: 1, height: 1, pixels: Uint8Array.from([1, 2, 3, 255]) };
    expect(Array.from(resizeRgba(source, 2, 2).pixels)).toEqual([1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255]);
  });
});

describe('fitWithin', () => {
  it('keeps the aspect ratio inside the box', () => {
    expect(fitWithin(320, 100, 160, 50)).toEqual({ width: 160, height: 50 });
    expect(fitWithin(1000, 1000, 160, 50)).toEqual({ width: 50, height: 50 });
    expect(fitWithin(100, 400, 90, 90)).toEqual({ width: 23, height: 90 });
  });
});
