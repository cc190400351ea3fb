export * from './google-object';
export * from './save-link';
export { googleLanguageOf, localizeGoogleResource } from './translations';
