import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultImages, type DefaultImageName } from './default-images';
import { readPngInfo } from './png';
import { decodeRgbaPng, pixelAt, type DecodedPng } from './test-support/decode-png';

const SIZES: Record<DefaultImageName, [number, number]> = {
  'icon.png': [29, 29],
  'icon@2x.png': [58, 58],
  'icon@3x.png': [87, 87],
  'logo.png': [160, 50],
  'logo@2x.png': [320, 100],
  'logo@3x.png': [480, 150],
};
const ICONS = ['icon.png', 'icon@2x.png', 'icon@3x.png'] as const;
const LOGOS = ['logo.png', 'logo@2x.png', 'logo@3x.png'] as const;
const MINT = [0x2b, 0xb6, 0x73];

const decoded = (name: DefaultImageName): DecodedPng => decodeRgbaPng(defaultImages()[name]);

/** Mint greens and their blends with white: green dominates, blue sits between red and green. */
function isMintOrWhite([r = 0, g = 0, b = 0]: number[]): boolean {
  return g >= r && g >= b && b >= r && g >= 0xa0;
}

function pixels(png: DecodedPng): number[][] {
  const all: number[][] = [];
  for (let y = 0; y < png.height; y++) for (let x = 0; x < png.width; x++) all.push(pixelAt(png, x, y));
  return all;
}

describe('defaultImages', () => {
  it('provides exactly the six icon and logo files', () => {
    expect(Object.keys(defaultImages()).sort()).toEqual(Object.keys(SIZES).sort());
  });

  it.each(Object.entries(SIZES))('%s is an 8-bit RGBA PNG of %j pixels', (name, [width, height]) => {
    const bytes = defaultImages()[name as DefaultImageName];
    expect(readPngInfo(bytes)).toEqual({ width, height, bitDepth: 8, colorType: 6 });
    const png = decodeRgbaPng(bytes);
    expect([png.width, png.height]).toEqual([width, height]);
  });

  it.each(ICONS)('%s has transparent rounded corners and an opaque mint-and-white face', (name) => {
    const png = decoded(name);
    const last = png.width - 1;
    for (const [x, y] of [
      [0, 0],
      [last, 0],
      [0, last],
      [last, last],
    ] as const) {
      expect(pixelAt(png, x, y)[3]).toBe(0);
    }
    const centre = pixelAt(png, png.width >> 1, png.height >> 1);
    expect(centre[3]).toBe(255);
    expect(isMintOrWhite(centre)).toBe(true);
    const topMiddle = pixelAt(png, png.width >> 1, 2);
    expect(topMiddle[3]).toBe(255);
    expect(isMintOrWhite(topMiddle)).toBe(true);
    expect(topMiddle[1]).toBeLessThan(0xe0);
  });

  it.each(ICONS)('%s draws a white leaf covering a fair share of the face', (name) => {
    const all = pixels(decoded(name));
    const white = all.filter(([r = 0, g = 0, b = 0, a]) => Math.min(r, g, b) >= 0xf0 && a === 255).length;
    expect(white / all.length).toBeGreaterThan(0.08);
    expect(white / all.length).toBeLessThan(0.35);
    expect(all.filter((p) => p[3] === 255).every(isMintOrWhite)).toBe(true);
  });

  it.each(LOGOS)('%s is a mint leaf at the left of an otherwise transparent strip', (name) => {
    const png = decoded(name);
    const markArea: number[][] = [];
    let visibleRightOfMark = 0;
    for (let y = 0; y < png.height; y++) {
      for (let x = 0; x < png.width; x++) {
        const pixel = pixelAt(png, x, y);
        if (x < png.height) markArea.push(pixel);
        else if (pixel[3] !== 0) visibleRightOfMark++;
      }
    }
    expect(visibleRightOfMark).toBe(0);
    const solid = markArea.filter((p) => p[3] === 255);
    expect(solid.length / markArea.length).toBeGreaterThan(0.15);
    expect(new Set(solid.map((p) => p.slice(0, 3).join()))).toEqual(new Set([MINT.join()]));
  });

  it('draws each scale at its own resolution rather than scaling one up', () => {
    const small = decoded('icon.png');
    const large = decoded('icon@3x.png');
    let differing = 0;
    for (let y = 0; y < small.height; y++) {
      for (let x = 0; x < small.width; x++) {
        const block = [0, 1, 2].flatMap((dy) => [0, 1, 2].map((dx) => pixelAt(large, 3 * x + dx, 3 * y + dy).join()));
        if (new Set(block).size > 1) differing++;
      }
    }
    expect(differing).toBeGreaterThan(small.width);
  });

  it('embeds exactly the PNG files of assets/default-art (run scripts/embed-default-art.js after changing one)', () => {
    const artDir = join(__dirname, '..', '..', 'assets', 'default-art');
    const files = readdirSync(artDir).filter((name) => name.endsWith('.png'));
    expect(files.sort()).toEqual(Object.keys(defaultImages()).sort());
    for (const name of files) expect(defaultImages()[name as DefaultImageName].equals(readFileSync(join(artDir, name)))).toBe(true);
  });

  it('renders once and returns the same buffers on every call', () => {
    const first = defaultImages();
    const second = defaultImages();
    expect(second).toBe(first);
    for (const name of Object.keys(SIZES) as DefaultImageName[]) expect(second[name]).toBe(first[name]);
    expect(Object.isFrozen(first)).toBe(true);
  });
});
