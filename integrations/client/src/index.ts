export { createPassmintClient, type PassmintClient, type PassmintClientOptions } from './client';
export type { ListEventsOptions } from './events-and-webhooks';
export { PassmintApiError, PassmintNetworkError, PassmintWebhookError, type WebhookErrorCode } from './errors';
export { verifyWebhook, type VerifiedWebhook, type VerifyWebhookOptions, type WebhookHeaders } from './verify-webhook';
export type * from './types';
