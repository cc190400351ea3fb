export { runCli, type CliIo } from './commands';
export { envSchema, readEnv, ConfigError, type PassmintEnv } from './env';
export { loadConfiguredIdentity, devCertPaths, writeDevIdentity } from './apple-identity';
export {
  createApnsClient,
  type ApnsAuth,
  type ApnsClient,
  type ApnsClientOptions,
  type PushRequest,
  type PushResult,
} from './apns/apns-client';
export { createThreadedApnsClient, type ApnsThreadClientOptions } from './apns/apns-thread-client';
export { createThreadedWebhookSender, type WebhookThreadSenderOptions } from './webhooks/webhook-thread-sender';
export { startServer, type RunningServer } from './serve/start-server';
export { verifyWalletCallback, type GoogleRootKey, type WalletCallback } from './google/callback-signature';
