import { encodePng } from './png';

export type Rgb = readonly [number, number, number];
/**
 * Approximate signed distance in pixels from a point to a shape's edge, negative inside. Only its sign
 * has to be exact; its size just has to be roughly right (within a factor of two) away from the edge.
 */
export type Shape = (x: number, y: number) => number;
export type Paint = (x: number, y: number) => Rgb;

export interface Region {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Pixels whose centre is further than this from an edge are wholly inside or outside. */
const EDGE_BAND = 1.5;
const SAMPLES_PER_AXIS = 8;

/**
 * RGBA canvas that composites shapes "source over" in premultiplied floating point. Edge pixels are
 * supersampled (8×8), so shapes only need an inside test plus a rough distance to skip the rest.
 */
export class Canvas {
  private readonly pixels: Float64Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Float64Array(width * height * 4);
  }

  fill(shape: Shape, paint: Paint, region: Region = this.bounds()): void {
    const top = Math.max(0, Math.floor(region.top));
    const bottom = Math.min(this.height, Math.ceil(region.bottom));
    const left = Math.max(0, Math.floor(region.left));
    const right = Math.min(this.width, Math.ceil(region.right));
    for (let y = top; y < bottom; y++) {
      for (let x = left; x < right; x++) {
        const alpha = coverage(shape, x, y);
        if (alpha > 0) this.blend(x, y, paint(x + 0.5, y + 0.5), alpha);
      }
    }
  }

  toPng(): Buffer {
    const rgba = new Uint8Array(this.pixels.length);
    for (let i = 0; i < this.pixels.length; i += 4) {
      const alpha = this.pixels[i + 3] ?? 0;
      if (alpha <= 0) continue;
      for (let c = 0; c < 3; c++) rgba[i + c] = toByte((this.pixels[i + c] ?? 0) / alpha);
      rgba[i + 3] = toByte(alpha * 255);
    }
    return encodePng(this.width, this.height, rgba);
  }

  private bounds(): Region {
    return { left: 0, top: 0, right: this.width, bottom: this.height };
  }

  private blend(x: number, y: number, [r, g, b]: Rgb, alpha: number): void {
    const i = (y * this.width + x) * 4;
    const keep = 1 - alpha;
    this.pixels[i] = r * alpha + (this.pixels[i] ?? 0) * keep;
    this.pixels[i + 1] = g * alpha + (this.pixels[i + 1] ?? 0) * keep;
    this.pixels[i + 2] = b * alpha + (this.pixels[i + 2] ?? 0) * keep;
    this.pixels[i + 3] = alpha + (this.pixels[i + 3] ?? 0) * keep;
  }
}

/** Fraction of the pixel at (x, y) inside the shape. */
function coverage(shape: Shape, x: number, y: number): number {
  const distance = shape(x + 0.5, y + 0.5);
  if (distance >= EDGE_BAND) return 0;
  if (distance <= -EDGE_BAND) return 1;
  let inside = 0;
  for (let sy = 0; sy < SAMPLES_PER_AXIS; sy++) {
    for (let sx = 0; sx < SAMPLES_PER_AXIS; sx++) {
      if (shape(x + (sx + 0.5) / SAMPLES_PER_AXIS, y + (sy + 0.5) / SAMPLES_PER_AXIS) < 0) inside++;
    }
  }
  return inside / SAMPLES_PER_AXIS ** 2;
}

function toByte(value: number): number {
  return Math.round(Math.min(Math.max(value, 0), 255));
}
