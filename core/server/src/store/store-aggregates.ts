import type { Store } from './store-port';

/**
 * The Store port's methods by aggregate. Each SQL store builds one part per aggregate and
 * composes them; a method left out of every part is a compile error in the composition.
 */
export type TenantMethods = Pick<
  Store,
  'createTenant' | 'findTenant' | 'listTenants' | 'updateTenant' | 'createApiKey' | 'findApiKeyByHash' | 'listApiKeys' | 'revokeApiKey'
>;

export type PassMethods = Pick<
  Store,
  'findPass' | 'findPassHead' | 'insertPass' | 'updatePass' | 'listPassVersions' | 'findPassBySerial' | 'listPassesAfter'
>;

export type RegistrationMethods = Pick<
  Store,
  'registerDevice' | 'unregisterDevice' | 'listUpdatedSerials' | 'countRegistrations' | 'removeRegistrations'
>;

export type PushOutboxMethods = Pick<Store, 'claimPushes' | 'finishPushes' | 'retryPush' | 'prunePushes' | 'pushSummary' | 'outboxHealth'>;

export type GoogleMethods = Pick<
  Store,
  'queueGoogleSync' | 'googleSyncedVersion' | 'markGoogleSynced' | 'recordGoogleCallback' | 'countGoogleHolders' | 'listInstallations'
>;

/** Quota counters, idempotency records and share page views: what is counted or remembered about writes and reads. */
export type UsageMethods = Pick<Store, 'usage' | 'findIdempotency' | 'recordPassView' | 'countPassViews'>;

export type ImageMethods = Pick<Store, 'putImage' | 'getImage' | 'findImageSource' | 'putImageSource'>;

export type EventMethods = Pick<Store, 'listEvents' | 'listRecentEvents' | 'listPassEvents' | 'pruneEvents'>;

export type WebhookMethods = Pick<
  Store,
  | 'createWebhookEndpoint'
  | 'listWebhookEndpoints'
  | 'findWebhookEndpoint'
  | 'deleteWebhookEndpoint'
  | 'listWebhookAttempts'
  | 'claimWebhookDeliveries'
  | 'finishWebhookDeliveries'
  | 'pruneWebhookDeliveries'
>;

export type ActivityMethods = Pick<Store, 'recordActivity' | 'listActivity' | 'pruneActivity' | 'findDevicesByPushToken'>;
