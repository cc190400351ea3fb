export type {
  RefusalCode,
  Severity,
  ValidateOptions,
  ValidationJob,
  ValidationProblem,
  ValidationRefusal,
  ValidationReport,
  ValidationWorkerData,
  ValidationWorkerMessage,
  WorkerReport,
} from './types';
export { validatePkpass } from './validate-pkpass';
export { ZIP_LIMITS } from './entry-limits';
export { REFUSAL_CODES } from './types';
export { APPLE_ROOT_CA_PEM, APPLE_WWDR_G4_PEM } from './apple-certs';
