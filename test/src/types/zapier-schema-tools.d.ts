/** The schema tools `zapier validate` uses, from zapier-platform-core's exported `src/*` path (untyped there). */
declare module 'zapier-platform-core/src/tools/schema' {
  export function prepareApp(app: unknown): unknown;
  export function validateApp(app: unknown): unknown[];
}
