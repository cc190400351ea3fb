import { PNG } from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** 8-bit RGBA, row by row, not premultiplied. */
  pixels: Uint8Array;
}

/**
 * Decodes any PNG (every colour type, bit depth and interlacing) to 8-bit RGBA, or null when the
 * data is damaged beyond the header. pngjs does the decoding: it covers the corners of the format
 * (palettes with transparency, 16-bit, Adam7) that a hand-written decoder would miss.
 */
export function decodePng(bytes: Buffer): RgbaImage | null {
  try {
    const image = PNG.sync.read(bytes);
    return {
      width: image.width,
      height: image.height,
      pixels: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length),
    };
  } catch {
    return null;
  }
}
