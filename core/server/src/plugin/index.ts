/**
 * The seam faces plug into `passmint serve` through: types and a few helpers, nothing of the
 * server's internals. The `passmint` binary hands the server its plugins.
 */
export type {
  HostPassWriter,
  PassmintPlugin,
  PluginDatabase,
  PluginHost,
  PluginMigration,
  PluginMount,
  PluginSecretColumn,
} from './plugin';
export { definePlugin } from './plugin';
export { ConfigError, togetherProblems } from '../env';
export { pluginTenant } from './plugin-tenant';
export { rawBodyOf, registerRawBodyParser } from '../http/body-parsers';
