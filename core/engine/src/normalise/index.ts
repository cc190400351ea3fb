export * from './canonical-pass';
export { canonicalHash, normalisePassInput, stableStringify } from './normalise';
export { fieldKeysOf, findFieldByKey, withFieldKeys, type FieldPosition } from './field-keys';
