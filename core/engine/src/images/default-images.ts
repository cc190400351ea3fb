import { Canvas, type Paint, type Rgb, type Shape } from './canvas';

export type DefaultImageName = 'icon.png' | 'icon@2x.png' | 'icon@3x.png' | 'logo.png' | 'logo@2x.png' | 'logo@3x.png';

const MINT_LIGHT: Rgb = [0x3c, 0xc4, 0x82];
const MINT_DARK: Rgb = [0x22, 0xa6, 0x64];
const MINT: Rgb = [0x2b, 0xb6, 0x73];
const WHITE: Rgb = [0xff, 0xff, 0xff];

/** Apple's icon corner radius is about 22% of the side. */
const ICON_CORNER = 0.225;

let cache: Readonly<Record<DefaultImageName, Buffer>> | undefined;

/**
 * Passmint's default pass artwork: a white mint leaf on a mint-green rounded square (icon) and the
 * mint-green leaf alone at the left of a transparent 160×50 pt strip (logo). Each size is drawn at its
 * own resolution, once per process; callers must not mutate the buffers.
 */
export function defaultImages(): Readonly<Record<DefaultImageName, Buffer>> {
  cache ??= Object.freeze({
    'icon.png': renderIcon(29),
    'icon@2x.png': renderIcon(58),
    'icon@3x.png': renderIcon(87),
    'logo.png': renderLogo(1),
    'logo@2x.png': renderLogo(2),
    'logo@3x.png': renderLogo(3),
  });
  return cache;
}

function renderIcon(size: number): Buffer {
  const canvas = new Canvas(size, size);
  canvas.fill(roundedSquare(size, ICON_CORNER * size), verticalGradient(size, MINT_LIGHT, MINT_DARK));
  canvas.fill(leafMark({ centreX: size / 2, centreY: size / 2, length: size * 0.72 }), () => WHITE);
  return canvas.toPng();
}

function renderLogo(scale: number): Buffer {
  const height = 50 * scale;
  const canvas = new Canvas(160 * scale, height);
  const leaf = leafMark({ centreX: height / 2, centreY: height / 2, length: height * 1.1 });
  canvas.fill(leaf, () => MINT, { left: 0, top: 0, right: height, bottom: height });
  return canvas.toPng();
}

interface LeafPlacement {
  centreX: number;
  centreY: number;
  /** Tip-to-stem-end length in pixels. */
  length: number;
}

/** How far the stem reaches past the leaf's base, in half-lengths of the blade. */
const STEM_REACH = 0.36;

/**
 * An ovate leaf tilted 45° (tip up-right) and gently curved, its tapering midrib cut out and a short
 * stem continuing from its base.
 */
function leafMark({ centreX, centreY, length }: LeafPlacement): Shape {
  const half = length / (2 + STEM_REACH);
  // Below ~1.3 px the cut midrib becomes a grey smear, so small renderings get a relatively wider one.
  const rib = Math.max(half * 0.065, 0.68);
  const blade = profile(-half, half, (along) => half * 0.6 * ovate(along / half));
  const midrib = profile(-half * 0.62, half * 0.66, (along) => rib * (0.8 - 0.35 * (along / half)));
  const stem = profile(-half * (1 + STEM_REACH) + rib, -half * 0.92, () => rib * 1.2);
  // Centres the blade-plus-stem a little towards the blade, which carries the visual weight.
  const centring = -half * STEM_REACH * 0.4;
  const bend = 0.06 * half;
  return (x, y) => {
    const along = (x - centreX - (y - centreY)) / Math.SQRT2 + centring;
    const across = (x - centreX + (y - centreY)) / Math.SQRT2 - bow(along / half) * bend;
    return Math.min(Math.max(blade(across, along), -midrib(across, along)), stem(across, along));
  };
}

/** Exponent of the taper into the tip: 1 meets it in straight edges, a little more draws it out finely. */
const TIP_SHARPNESS = 1.05;
/** Where the ovate profile is widest, and that width, so the profile can be scaled to peak at 1. */
const WIDEST_AT = (1 - 2 * TIP_SHARPNESS) / (1 + 2 * TIP_SHARPNESS);
const WIDEST = Math.sqrt(1 + WIDEST_AT) * (1 - WIDEST_AT) ** TIP_SHARPNESS;

/** Half-width of an ovate leaf at t ∈ [-1, 1] (base to tip): round at the base, pointed at the tip, peak 1. */
function ovate(t: number): number {
  return (Math.sqrt(Math.max(1 + t, 0)) * Math.max(1 - t, 0) ** TIP_SHARPNESS) / WIDEST;
}

/**
 * Sideways shift of the leaf's centre line at t (base -1 to tip 1): a parabola over the blade,
 * continued straight along its tangents past either end so the stem does not curl away.
 */
function bow(t: number): number {
  if (t < -1) return 2 * (t + 1);
  if (t > 1) return 2 * (1 - t);
  return 1 - t * t;
}

/**
 * A shape symmetric about the y axis between y = from and y = to with half-width `width(y)`, closed by
 * round caps. Distance is first-order (edge offset over the slope), which is all the canvas needs.
 */
function profile(from: number, to: number, width: (y: number) => number): Shape {
  const step = (to - from) * 1e-3;
  return (x, y) => {
    if (y <= from) return Math.hypot(x, y - from) - width(from);
    if (y >= to) return Math.hypot(x, y - to) - width(to);
    const slope = (width(Math.min(y + step, to)) - width(Math.max(y - step, from))) / (2 * step);
    return (Math.abs(x) - width(y)) / Math.sqrt(1 + slope * slope);
  };
}

function roundedSquare(size: number, radius: number): Shape {
  const half = size / 2;
  return (x, y) => {
    const qx = Math.abs(x - half) - (half - radius);
    const qy = Math.abs(y - half) - (half - radius);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

function verticalGradient(height: number, top: Rgb, bottom: Rgb): Paint {
  return (_x, y) => {
    const t = y / height;
    return [mix(top[0], bottom[0], t), mix(top[1], bottom[1], t), mix(top[2], bottom[2], t)];
  };
}

function mix(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}
