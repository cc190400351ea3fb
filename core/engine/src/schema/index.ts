export * from './limits';
export * from './pass-input';
export * from './parse';
export { passBodyJsonSchemas } from './json-schema';
export { characterCount } from './text';
