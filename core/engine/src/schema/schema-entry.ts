// `@passmint/engine/schema`: the pass body, its limits and the API's answers, for every face.
// Only zod and the modules of this folder stand behind it (schema-entry.test.ts checks): no Node
// built-ins, no signing code, so a client, a bundle or a browser can load it.
export * from './limits';
export * from './pass-input';
export * from './pass-styles';
export { API_EXAMPLE_BODIES, STYLE_EXAMPLE_BODIES } from './example-bodies';
export * from './translations';
export * from './responses';
export * from './events';
export { passBodyJsonSchemas } from './json-schema';
export { characterCount } from './text';
