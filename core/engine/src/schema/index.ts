export * from './limits';
export * from './pass-input';
export * from './parse';
export { characterCount } from './text';
