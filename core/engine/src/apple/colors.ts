import type { ColorPreset } from '../schema/limits';

/** Background of each preset; text colours are derived so every preset reads well. */
export const COLOR_PRESET_HEX: Record<ColorPreset, string> = {
  dark: '#1c1c1e',
  blue: '#1d4ed8',
  green: '#15803d',
  red: '#b91c1c',
  purple: '#6d28d9',
  orange: '#c2410c',
};

export const DEFAULT_BACKGROUND = COLOR_PRESET_HEX.dark;

export interface PassColors {
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
}

type Rgb = readonly [number, number, number];

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 17, 17];
/** WCAG AA for normal text; labels are small, so they get the same bar as values. */
const MIN_CONTRAST = 4.5;

/**
 * Wallet's colours as `rgb(r, g, b)` strings: the background given, the foreground whichever of
 * white and near-black contrasts more, and a softer label colour that still meets WCAG AA.
 */
export function passColors(backgroundHex: string = DEFAULT_BACKGROUND): PassColors {
  let colors = colorsByBackground.get(backgroundHex);
  if (!colors) {
    colors = Object.freeze(computePassColors(backgroundHex));
    if (colorsByBackground.size < COLOR_CACHE_LIMIT) colorsByBackground.set(backgroundHex, colors);
  }
  return colors;
}

const COLOR_CACHE_LIMIT = 4096;
const colorsByBackground = new Map<string, PassColors>();

function computePassColors(backgroundHex: string): PassColors {
  const background = hexToRgb(backgroundHex);
  const foreground = contrastRatio(WHITE, background) >= contrastRatio(INK, background) ? WHITE : INK;
  const softened = mix(foreground, background, 0.72);
  const label = contrastRatio(softened, background) >= MIN_CONTRAST ? softened : foreground;
  return { backgroundColor: cssRgb(background), foregroundColor: cssRgb(foreground), labelColor: cssRgb(label) };
}

export function hexToRgb(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function mix(a: Rgb, b: Rgb, weightOfA: number): Rgb {
  return [0, 1, 2].map((i) => Math.round(a[i]! * weightOfA + b[i]! * (1 - weightOfA))) as unknown as Rgb;
}

function cssRgb([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}
