import { InvalidInputError } from '../errors';
import { encodePng } from '../images/png';
import { decodePng, type RgbaImage } from '../images/png-decode';
import { fitWithin, resizeRgba } from '../images/resize';
import type { ImageRole } from '../normalise/canonical-pass';
import { cachedAsset, type PassAsset } from './pass-assets';

/**
 * The space Wallet gives each image, in points. The icon is drawn exactly at its size; the others
 * are fitted inside theirs, aspect ratio kept.
 * @see https://developer.apple.com/design/human-interface-guidelines/wallet
 */
const SLOTS: Record<ImageRole, { width: number; height: number; exact: boolean }> = {
  icon: { width: 29, height: 29, exact: true },
  logo: { width: 160, height: 50, exact: false },
  thumbnail: { width: 90, height: 90, exact: false },
  strip: { width: 375, height: 123, exact: false },
  background: { width: 180, height: 220, exact: false },
  footer: { width: 286, height: 15, exact: false },
};

const SCALES = [1, 2, 3] as const;

const variantsBySource = new WeakMap<Buffer, Map<ImageRole, PassAsset[]>>();

/**
 * The 1x, @2x and @3x files of a caller's image, each sized for its slot so Wallet shows it crisp
 * and the validator finds every size where Apple expects it. Scales the source has too few pixels
 * for are left out (Wallet then scales the largest one), except for the icon, which Wallet needs
 * at every scale. Made once per image content.
 */
export function imageVariants(role: ImageRole, source: Buffer, field: string): PassAsset[] {
  let byRole = variantsBySource.get(source);
  if (!byRole) {
    byRole = new Map();
    variantsBySource.set(source, byRole);
  }
  let assets = byRole.get(role);
  if (!assets) {
    assets = renderVariants(role, source, field);
    byRole.set(role, assets);
  }
  return assets;
}

function renderVariants(role: ImageRole, source: Buffer, field: string): PassAsset[] {
  const image = decodePng(source);
  if (!image)
    throw new InvalidInputError(
      `The ${field} image is not a readable PNG.`,
      [{ path: field, message: 'image is a damaged PNG' }],
      'invalid_image',
    );
  const slot = SLOTS[role];
  const assets: PassAsset[] = [];
  for (const scale of SCALES) {
    const fitted = fitWithin(image.width, image.height, slot.width * scale, slot.height * scale);
    const enlarges = fitted.width > image.width || fitted.height > image.height;
    if (enlarges && !slot.exact && scale > 1) break;
    const size = enlarges && !slot.exact ? { width: image.width, height: image.height } : fitted;
    const name = scale === 1 ? `${role}.png` : `${role}@${scale}x.png`;
    assets.push(
      cachedAsset(name, renderAt(image, source, size, slot.exact ? { width: slot.width * scale, height: slot.height * scale } : size)),
    );
  }
  return assets;
}

/** The image at `size`, centred on a transparent canvas of `canvas` size (equal unless exact). */
function renderAt(
  image: RgbaImage,
  source: Buffer,
  size: { width: number; height: number },
  canvas: { width: number; height: number },
): Buffer {
  const sameSize = size.width === image.width && size.height === image.height;
  if (sameSize && canvas.width === size.width && canvas.height === size.height) return source;
  const resized = sameSize ? image : resizeRgba(image, size.width, size.height);
  if (canvas.width === size.width && canvas.height === size.height) return encodePng(size.width, size.height, resized.pixels);
  return encodePng(canvas.width, canvas.height, centre(resized, canvas).pixels);
}

function centre(image: RgbaImage, canvas: { width: number; height: number }): RgbaImage {
  const pixels = new Uint8Array(canvas.width * canvas.height * 4);
  const offsetX = Math.floor((canvas.width - image.width) / 2);
  const offsetY = Math.floor((canvas.height - image.height) / 2);
  for (let y = 0; y < image.height; y++) {
    const row = image.pixels.subarray(y * image.width * 4, (y + 1) * image.width * 4);
    pixels.set(row, ((y + offsetY) * canvas.width + offsetX) * 4);
  }
  return { width: canvas.width, height: canvas.height, pixels };
}
