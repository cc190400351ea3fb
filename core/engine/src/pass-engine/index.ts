export * from './errors';
export {
  createPassEngine,
  type PassEngine,
  type PassEngineConfig,
  type IssuedPass,
  type UpdatedPass,
  type Usage,
} from './create-pass-engine';
export { usageMonth, nextMonthStart } from './usage-month';
export { checkStoredPass, type StoredPassProblem } from './check-stored-pass';
export { applyMergePatch } from './merge-patch';
export { fieldUpdateEdit, mergePatchEdit, type PassEdit } from './body-edits';
