export * from './errors';
export * from './schema';
export * from './normalise';
export * from './apple';
export * from './validator';
export { createKeyedLock } from './keyed-lock';
export { generateSerialNumber, SERIAL_NUMBER_PATTERN } from './ids';
export {
  encodePng,
  readPngInfo,
  isPngDataUri,
  decodePngDataUri,
  defaultImages,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_DIMENSION,
  type PngInfo,
} from './images';
export * from './ports';
export * from './pass-engine';
export * from './google';
export * from './secrets';
