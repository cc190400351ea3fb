export { runCli, type CliIo } from './commands';
export { envSchema, readEnv, ConfigError, type PassmintEnv } from './env';
export { loadConfiguredIdentity, devCertPaths, writeDevIdentity } from './apple-identity';
export { createApnsClient, type ApnsAuth, type ApnsClientOptions, type PushRequest, type PushResult } from './apns/apns-client';
export { startServer, type RunningServer } from './serve/start-server';
export { verifyWalletCallback, type GoogleRootKey, type WalletCallback } from './google/callback-signature';
