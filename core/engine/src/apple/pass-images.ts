import { PassmintError } from '../errors';
import { defaultImages, isPngDataUri } from '../images';
import { decodePngDataUriCached } from '../images/cached-decode';
import type { CanonicalPass, ImageRole } from '../normalise/canonical-pass';
import { cachedAsset, type PassAsset } from './pass-assets';
import { imageVariants } from './image-variants';
import type { PassStyle } from './pass-json';

/** Image bytes the caller fetched for URL sources (the engine does no network I/O). */
export type FetchedImages = Partial<Record<ImageRole, Buffer>>;

export class ImageUnavailableError extends PassmintError {
  constructor(readonly role: ImageRole) {
    super('image_unavailable', `The ${role} image is a URL that was not fetched; only data URIs can be used without the server.`);
  }
}

/**
 * The images each layout shows (an event ticket shows a strip, or else a background and a thumbnail).
 * @see https://developer.apple.com/design/human-interface-guidelines/wallet#Pass-styles
 */
const ROLES_BY_STYLE: Record<PassStyle, readonly ImageRole[]> = {
  generic: ['icon', 'logo', 'thumbnail'],
  storeCard: ['icon', 'logo', 'strip'],
  coupon: ['icon', 'logo', 'strip'],
  eventTicket: ['icon', 'logo', 'strip', 'background', 'thumbnail'],
  boardingPass: ['icon', 'logo', 'footer'],
};

/**
 * An event ticket shows either a strip, or a background and a thumbnail; with a strip, Wallet
 * ignores the other two, so they are left out rather than shipped unseen.
 * @see https://developer.apple.com/design/human-interface-guidelines/wallet#Event-tickets
 */
const STRIP_EXCLUDES: readonly ImageRole[] = ['background', 'thumbnail'];

/**
 * The image files of a pass: each of the caller's images at the scales its slot wants, or
 * Passmint's own icon and logo where there is none. The icon falls back to the logo, since it is
 * what the lock screen shows next to the notification.
 */
export function passImageAssets(
  pass: CanonicalPass,
  style: PassStyle,
  fetched: FetchedImages = {},
): { assets: PassAsset[]; warnings: string[] } {
  const warnings: string[] = [];
  const assets: PassAsset[] = [];
  const stripTicket = style === 'eventTicket' && pass.images.strip !== undefined;
  for (const role of ['icon', 'logo', 'thumbnail', 'strip', 'background', 'footer'] as const) {
    const sourceRole: ImageRole = role === 'icon' && !pass.images.icon ? 'logo' : role;
    const source = pass.images[sourceRole];
    if (source !== undefined && !ROLES_BY_STYLE[style].includes(role)) {
      warnings.push(`${role}URL is not shown on the ${style} layout and was left out`);
      continue;
    }
    if (source !== undefined && stripTicket && STRIP_EXCLUDES.includes(role)) {
      warnings.push(`${role}URL is not shown on an eventTicket with a strip image and was left out`);
      continue;
    }
    if (source === undefined) {
      assets.push(...defaultAssets(role));
      continue;
    }
    assets.push(...imageVariants(role, imageBytes(sourceRole, source, fetched), `${sourceRole}URL`));
  }
  return { assets, warnings };
}

function defaultAssets(role: ImageRole): PassAsset[] {
  if (role !== 'icon' && role !== 'logo') return [];
  const images = defaultImages();
  return (['', '@2x', '@3x'] as const).map((scale) => {
    const name = `${role}${scale}.png` as const;
    return cachedAsset(name, images[name]);
  });
}

function imageBytes(role: ImageRole, source: string, fetched: FetchedImages): Buffer {
  if (!isPngDataUri(source)) {
    const bytes = fetched[role];
    if (!bytes) throw new ImageUnavailableError(role);
    return bytes;
  }
  const decoded = decodePngDataUriCached(source);
  // The schema already checked it; failing here means the canonical pass bypassed the schema.
  if (!decoded.ok) throw new PassmintError('invalid_image', `The ${role} image ${decoded.reason}.`);
  return decoded.bytes;
}
