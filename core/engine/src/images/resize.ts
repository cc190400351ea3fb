import type { RgbaImage } from './png-decode';

/**
 * Downscales by area averaging: each target pixel is the coverage-weighted mean of the source
 * pixels under it. Colours are averaged premultiplied by alpha, so transparent edges do not
 * darken. Enlarging works too (each target pixel then takes its one source pixel's colour).
 */
export function resizeRgba(source: RgbaImage, width: number, height: number): RgbaImage {
  const pixels = new Uint8Array(width * height * 4);
  const scaleX = source.width / width;
  const scaleY = source.height / height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const mean = areaMean(source, x * scaleX, y * scaleY, scaleX, scaleY);
      pixels.set(mean, (y * width + x) * 4);
    }
  }
  return { width, height, pixels };
}

function areaMean(source: RgbaImage, left: number, top: number, spanX: number, spanY: number): [number, number, number, number] {
  const { pixels, width } = source;
  let red = 0;
  let green = 0;
  let blue = 0;
  let alpha = 0;
  let area = 0;
  const right = left + spanX;
  const bottom = top + spanY;
  for (let sy = Math.floor(top); sy < bottom && sy < source.height; sy++) {
    const coverY = Math.min(bottom, sy + 1) - Math.max(top, sy);
    for (let sx = Math.floor(left); sx < right && sx < width; sx++) {
      const weight = coverY * (Math.min(right, sx + 1) - Math.max(left, sx));
      const at = (sy * width + sx) * 4;
      const weightedAlpha = pixels[at + 3]! * weight;
      red += pixels[at]! * weightedAlpha;
      green += pixels[at + 1]! * weightedAlpha;
      blue += pixels[at + 2]! * weightedAlpha;
      alpha += weightedAlpha;
      area += weight;
    }
  }
  if (alpha === 0) return [0, 0, 0, 0];
  return [Math.round(red / alpha), Math.round(green / alpha), Math.round(blue / alpha), Math.round(alpha / area)];
}

/** The largest size with the source's aspect ratio that fits in `maxWidth`×`maxHeight`. */
export function fitWithin(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
