export * from './canonical-pass';
export { canonicalHash, normalisePassInput, stableStringify } from './normalise';
