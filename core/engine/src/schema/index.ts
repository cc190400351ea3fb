export * from './limits';
export * from './pass-input';
export * from './pass-styles';
export { API_EXAMPLE_BODIES, STYLE_EXAMPLE_BODIES } from './example-bodies';
export * from './translations';
export { isoDateTime } from './date-time';
export * from './parse';
export { passBodyJsonSchemas } from './json-schema';
export { characterCount } from './text';
