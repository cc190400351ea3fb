export { runCli, type CliIo } from './commands';
export { readEnv, ConfigError, type PassmintEnv } from './env';
export { loadConfiguredIdentity, devCertPaths, writeDevIdentity } from './apple-identity';
