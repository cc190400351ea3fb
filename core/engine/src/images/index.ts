export { readPngInfo, encodePng, type PngInfo } from './png';
export { decodePngDataUri, isPngDataUri, MAX_IMAGE_BYTES, MAX_IMAGE_DIMENSION, type PngDataUriResult } from './data-uri';
export { defaultImages, type DefaultImageName } from './default-images';
