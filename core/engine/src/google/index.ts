export * from './google-object';
export * from './save-link';
