export * from './google-object';
export * from './google-types';
export * from './google-verticals';
export type { GooglePassContext } from './google-classes';
export * from './render-google-pass';
export * from './save-link';
export { googleLanguageOf, localizeGoogleResource } from './translations';
