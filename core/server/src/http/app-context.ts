import type { PassEngine, SigningIdentity } from '@passmint/engine';
import type { Store } from '../store/store-port';
import type { GoogleWallets } from '../google/google-wallets';
import type { IdentityFailure } from '../push/identity-health';
import type { IdentityPause } from '../push/push-worker';
import type { ValidationPool } from '../validation/validation-pool';
import type { ActivityRecorder } from '../timeline/activity-entries';
import type { RateLimiter } from './rate-limiter';

/** What the HTTP layer is handed: the engine and store, and the few facts routes print. */
export interface AppContext {
  engine: PassEngine;
  store: Store;
  identity: SigningIdentity;
  rateLimiter: RateLimiter;
  /** Worker threads for POST /api/validate. */
  validation: ValidationPool;
  version: string;
  /** False once shutdown began: load balancers should stop sending requests here. */
  accepting(): boolean;
  /** Known once the server listens. */
  publicUrl(): string;
  shareUrl(serialNumber: string): string;
  /**
   * The content hash an image source is kept under (served at /i/<hash>.png), from the store
   * alone: null for a URL not fetched yet. Pages and Google use it; it never waits on a host.
   */
  imageHash(source: string): Promise<string | null>;
  /** What happens to a pass on the wire, for its timeline; recording never waits on the database. */
  activity: ActivityRecorder;
  /** Google Wallet: per tenant, null for a tenant without an issuer (its own or the instance's). */
  google: GoogleWallets;
  webhooks: {
    /** Throws a 400 HttpError when a webhook URL may not be used (scheme, address policy). */
    checkUrl(url: string): Promise<void>;
    /** A new signing secret, `whsec_…`. */
    newSecret(): string;
  };
  push: {
    /** Pushes were queued: the worker should look now. */
    queued(): void;
    /** Identities APNs answered 403 for, left alone for a while. */
    pausedIdentities(): IdentityPause[];
    /** Identities whose latest push attempt failed (until one is delivered). */
    failingIdentities(): IdentityFailure[];
    apnsUrl: string;
  };
}

export function appUrls(publicUrl: () => string) {
  return {
    publicUrl,
    shareUrl: (serialNumber: string) => `${publicUrl()}/p/${serialNumber}`,
  };
}
