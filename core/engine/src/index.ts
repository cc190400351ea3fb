export * from './errors';
export * from './schema';
export * from './normalise';
export * from './apple';
export * from './validator';
export { generateSerialNumber } from './ids';
