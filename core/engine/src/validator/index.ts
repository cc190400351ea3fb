export type {
  RefusalCode,
  Severity,
  ValidateOptions,
  ValidationProblem,
  ValidationRefusal,
  ValidationReport,
} from './types';
export { validatePkpass } from './validate-pkpass';
export { APPLE_ROOT_CA_PEM, APPLE_WWDR_G4_PEM } from './apple-certs';
