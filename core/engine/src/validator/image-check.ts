import type { PassStyle } from './pass-json-check';
import { readPngHeader } from './png-header';
import type { Problems } from './problems';
import type { PassFiles } from './zip-layout';

type ImageKind = 'icon' | 'logo' | 'thumbnail' | 'strip' | 'background' | 'footer' | 'personalizationLogo';

interface SizeRule {
  /** `exact`: the image should be this size; `max`: it should fit inside it. */
  fit: 'exact' | 'max';
  width: number;
  height: number;
}

/** Sizes in points at 1x; @2x and @3x files are double and triple. */
const SIZE_RULES: Record<ImageKind, SizeRule> = {
  icon: { fit: 'exact', width: 29, height: 29 },
  logo: { fit: 'max', width: 160, height: 50 },
  thumbnail: { fit: 'max', width: 90, height: 90 },
  // 375×123 is typical; coupons and store cards may go up to 144 points high.
  strip: { fit: 'max', width: 375, height: 144 },
  background: { fit: 'exact', width: 180, height: 220 },
  footer: { fit: 'max', width: 286, height: 15 },
  personalizationLogo: { fit: 'max', width: 150, height: 40 },
};

const UNUSED_BY_STYLE: Record<ImageKind, readonly PassStyle[]> = {
  icon: [],
  logo: [],
  personalizationLogo: [],
  background: ['storeCard', 'generic', 'coupon', 'boardingPass'],
  strip: ['generic', 'boardingPass'],
  thumbnail: ['storeCard', 'coupon', 'boardingPass'],
  footer: ['storeCard', 'generic', 'coupon', 'eventTicket'],
};

const IMAGE_NAME = /^(?:([^/]+\.lproj)\/)?(icon|logo|thumbnail|strip|background|footer|personalizationLogo)(?:@([23])x)?\.png$/;
/** How far, in pixels, an @2x/@3x image may stray from an exact multiple of its 1x sibling. */
const SCALE_TOLERANCE = 2;

interface Image {
  file: string;
  folder: string;
  kind?: ImageKind;
  scale: number;
  width: number;
  height: number;
}

function parseImageName(file: string): Pick<Image, 'folder' | 'kind' | 'scale'> {
  const match = IMAGE_NAME.exec(file);
  if (!match) return { folder: '', scale: 1 };
  return { folder: match[1] ?? '', kind: match[2] as ImageKind, scale: Number(match[3] ?? 1) };
}

function readImages(files: PassFiles, problems: Problems): Image[] {
  const images: Image[] = [];
  for (const [file, { head }] of files) {
    if (!file.toLowerCase().endsWith('.png')) continue;
    const header = readPngHeader(head);
    if (header.kind === 'not_png') {
      problems.error('image_not_png', `${file} is not a PNG file (it lacks the PNG signature); Wallet only reads PNG images.`, { file });
    } else if (header.kind === 'bad_ihdr') {
      problems.error('image_unreadable', `${file} is a damaged PNG: ${header.reason}.`, { file });
    } else {
      images.push({ file, width: header.width, height: header.height, ...parseImageName(file) });
    }
  }
  return images;
}

function checkIconPresence(files: PassFiles, problems: Problems): void {
  if (!files.has('icon.png')) {
    problems.error('icon_missing', 'The pass has no icon.png; Wallet will not open a pass without an icon.', { file: 'icon.png' });
  }
  if (!files.has('icon@2x.png')) {
    problems.warning(
      'icon_2x_missing',
      'The pass has no icon@2x.png; without it the pass may open on some devices but not on others (e.g. iPhone).',
      { file: 'icon@2x.png' },
    );
  }
}

function checkSize(image: Image, kind: ImageKind, problems: Problems): void {
  const rule = SIZE_RULES[kind];
  const width = rule.width * image.scale;
  const height = rule.height * image.scale;
  const fits = rule.fit === 'exact' ? image.width === width && image.height === height : image.width <= width && image.height <= height;
  if (fits) return;
  const expected = `${rule.fit === 'exact' ? '' : 'at most '}${width}×${height} px (${rule.width}×${rule.height} pt at ${image.scale}x)`;
  problems.warning('image_size_unexpected', `${image.file} is ${image.width}×${image.height} px; expected ${expected}.`, {
    file: image.file,
  });
}

function checkUse(image: Image, style: PassStyle | undefined, problems: Problems): void {
  if (image.kind === undefined) {
    problems.warning(
      'image_unknown_name',
      `${image.file} is not an image name Wallet uses (icon, logo, strip, thumbnail, background, footer); it is ignored.`,
      {
        file: image.file,
      },
    );
  } else if (style !== undefined && UNUSED_BY_STYLE[image.kind].includes(style)) {
    problems.warning('image_unused_by_style', `${image.file} is not shown on ${style} passes; Wallet ignores it.`, { file: image.file });
  }
}

function checkScales(images: Image[], problems: Problems): void {
  const baseImages = new Map(
    images.filter((image) => image.kind !== undefined && image.scale === 1).map((image) => [`${image.folder}/${image.kind}`, image]),
  );
  for (const image of images) {
    const base = baseImages.get(`${image.folder}/${image.kind}`);
    if (image.kind === undefined || image.scale === 1 || base === undefined) continue;
    const expectedWidth = base.width * image.scale;
    const expectedHeight = base.height * image.scale;
    if (Math.abs(image.width - expectedWidth) <= SCALE_TOLERANCE && Math.abs(image.height - expectedHeight) <= SCALE_TOLERANCE) continue;
    problems.warning(
      'image_scale_mismatch',
      `${image.file} is ${image.width}×${image.height} px, but ${base.file} is ${base.width}×${base.height} px; an @${image.scale}x image should be about ${expectedWidth}×${expectedHeight} px.`,
      { file: image.file },
    );
  }
}

function checkEventTicketImages(images: Image[], style: PassStyle | undefined, problems: Problems): void {
  if (style !== 'eventTicket') return;
  const kinds = new Set(images.map((image) => image.kind));
  if (kinds.has('strip') && (kinds.has('background') || kinds.has('thumbnail'))) {
    problems.warning(
      'image_combination_unsupported',
      'An event ticket with a strip image does not show background or thumbnail images; use one or the other.',
    );
  }
}

/** icon.png is required; every PNG must be readable; sizes, scales and style fit are advice. */
export function checkImages(files: PassFiles, style: PassStyle | undefined, problems: Problems): void {
  checkIconPresence(files, problems);
  const images = readImages(files, problems);
  for (const image of images) {
    if (image.kind !== undefined) checkSize(image, image.kind, problems);
    checkUse(image, style, problems);
  }
  checkScales(images, problems);
  checkEventTicketImages(images, style, problems);
}
