import type { NewTenant, PassRecord, PassRepository, TenantRecord } from '@passmint/engine';
import type { ActivityStore } from './activity-port';
import type { EventStore } from './events-port';

/**
 * The storage port. SQLite and PostgreSQL implement it in the server; one conformance battery
 * runs against both. Every method is one atomic unit of work: a method that changes a pass does
 * all of it (pass row, version row, usage counter, idempotency record) in one transaction, so
 * a crash leaves either all of it or none. Times are ISO-8601 strings in UTC; bytes are Buffers.
 */
export interface Store extends PassRepository, EventStore, ActivityStore {
  /** Creates or upgrades the schema; safe to run on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** Cheap liveness check for /healthz. */
  ping(): Promise<void>;

  /** Throws StoreConflictError when the id or the name is taken. */
  createTenant(tenant: NewTenant): Promise<TenantRecord>;
  /** By id, or else by name. */
  findTenant(idOrName: string): Promise<TenantRecord | null>;
  listTenants(): Promise<TenantRecord[]>;
  /** Null when no such tenant; throws StoreConflictError when the new name is taken. */
  updateTenant(id: string, patch: TenantPatch): Promise<TenantRecord | null>;

  createApiKey(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The key whose SHA-256 hash (hex) this is, revoked or not, with its tenant. */
  findApiKeyByHash(hash: string): Promise<{ key: ApiKeyRecord; tenant: TenantRecord } | null>;
  listApiKeys(tenantId: string): Promise<ApiKeyRecord[]>;
  /** False when no such key exists; revoking twice keeps the first time. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;

  /** The pass's history, oldest first. */
  listPassVersions(tenantId: string, serialNumber: string): Promise<PassVersionRecord[]>;
  /** Any tenant's pass: Apple's web service addresses passes by serial alone (serials are unique). */
  findPassBySerial(serialNumber: string): Promise<PassRecord | null>;

  /** Records that a device wants updates of a pass, or refreshes its push token and client. */
  registerDevice(registration: NewRegistration): Promise<'created' | 'existing'>;
  /** False when the device was not registered for the pass. */
  unregisterDevice(deviceLibraryIdentifier: string, serialNumber: string): Promise<boolean>;
  /**
   * The serials of one pass type a device is registered for whose change tag is above `since`
   * (all of them when null), and the highest tag among them; null when there are none.
   */
  listUpdatedSerials(
    deviceLibraryIdentifier: string,
    passTypeIdentifier: string,
    since: string | null,
  ): Promise<{ serialNumbers: string[]; lastUpdated: string } | null>;
  /** Registrations of a pass, by client kind. */
  countRegistrations(serialNumber: string): Promise<Record<DeviceClient, number>>;
  /**
   * After APNs said a push token is dead: removes its registrations for that topic that were made
   * or refreshed before `registeredBefore` (a device that registered again since keeps its entry).
   */
  removeRegistrations(pushToken: string, passTypeIdentifier: string, registeredBefore: string): Promise<number>;

  /**
   * Claims up to `limit` pushes that are due (pending and available, or leased with the lease run
   * out), leasing them to the caller until `leaseUntil`; attempts go up by one. `finished`, the
   * outcomes of the caller's previous batch, are recorded first in the same transaction (as
   * `finishPushes` would): a worker that keeps claiming pays one commit per batch, not two.
   */
  claimPushes(options: ClaimOptions): Promise<PushJob[]>;
  /**
   * Pushes that ended, recorded together (one transaction for a whole batch): delivered (APNs
   * accepted it) or dead (given up, or the token is gone).
   */
  finishPushes(outcomes: PushOutcome[]): Promise<void>;
  /**
   * A push failed in a way a retry may fix: pending again from `availableAt`. `attemptedAt` is
   * when the failed attempt was made (absent when nothing was sent, e.g. the identity is paused).
   */
  retryPush(id: string, retry: { availableAt: string; detail: string; attemptedAt?: string }): Promise<void>;
  /**
   * Queues bringing a pass's Google object up to date, as an outbox entry with topic
   * GOOGLE_SYNC_TOPIC (one waiting entry per pass: later changes ride on it).
   */
  queueGoogleSync(tenantId: string, serialNumber: string, at: string): Promise<void>;
  /** The pass version Google's object was last brought to; null when it never was. */
  googleSyncedVersion(serialNumber: string): Promise<number | null>;
  markGoogleSynced(serialNumber: string, version: number, at: string): Promise<void>;
  /**
   * A verified Google save/delete callback for a pass; false when its nonce was seen before
   * (Google may deliver a callback more than once).
   */
  recordGoogleCallback(event: { nonce: string; serialNumber: string; eventType: 'save' | 'del'; at: string }): Promise<boolean>;
  /** People holding the pass in Google Wallet: saves minus deletes, never below zero. */
  countGoogleHolders(serialNumber: string): Promise<number>;
  /**
   * The tenant's most recent installations, newest first: Apple Wallet and Android registrations,
   * and Google Wallet saves. Each has an id that stays the same across calls (for deduplication).
   */
  listInstallations(tenantId: string, limit: number): Promise<Installation[]>;
  /** Counts one opening of the pass's share page. */
  recordPassView(serialNumber: string): Promise<void>;
  countPassViews(serialNumber: string): Promise<number>;
  /** Forgets delivered and dead pushes that finished before `finishedBefore`; how many went. */
  prunePushes(finishedBefore: string): Promise<number>;
  /** Pushes queued or sent for a pass since its last change, for GET /api/passes/<serial>. */
  pushSummary(serialNumber: string): Promise<PushSummary>;
  /**
   * The unfinished part of the outbox, and the pushes given up since `givenUpSince`, for
   * `passmint check` and operators.
   */
  outboxHealth(now: string, givenUpSince: string): Promise<OutboxHealth>;
  /** Every tenant's passes in serial-number order: the page after `afterSerial` (null: the first). */
  listPassesAfter(afterSerial: string | null, limit: number): Promise<PassRecord[]>;

  /** Stores image bytes under their content hash; storing the same hash twice is a no-op. */
  putImage(image: ImageRecord): Promise<void>;
  getImage(hash: string): Promise<ImageRecord | null>;
  /** Which stored image a URL gave when it was last fetched. */
  findImageSource(url: string): Promise<ImageSourceRecord | null>;
  putImageSource(source: ImageSourceRecord): Promise<void>;
}

export type TenantPatch = Partial<Pick<TenantRecord, 'name' | 'monthlyQuota' | 'appleIdentity' | 'googleIdentity'>> & { updatedAt: string };

export interface NewApiKey {
  id: string;
  tenantId: string;
  /** SHA-256 of the whole key, lower-case hex. The key itself is never stored. */
  hash: string;
  /** The first characters of the key (`pm_live_abcd`), to tell keys apart in listings. */
  prefix: string;
  label: string | null;
  createdAt: string;
}

export interface ApiKeyRecord extends NewApiKey {
  revokedAt: string | null;
}

export interface PassVersionRecord {
  tenantId: string;
  serialNumber: string;
  version: number;
  body: unknown;
  canonicalHash: string;
  createdAt: string;
}

/** Outbox entries with this topic sync a pass to Google Wallet instead of pushing to APNs. */
export const GOOGLE_SYNC_TOPIC = 'google';

/** The outbox "push token" of a pass's Google sync: one waiting entry per pass. */
export function googleSyncToken(serialNumber: string): string {
  return `google:${serialNumber}`;
}

/**
 * Who registered: Apple Wallet, or an Android wallet app speaking Apple's protocol (those tokens
 * are not APNs tokens and are never sent there).
 */
export type DeviceClient = 'apple' | 'android';

export interface NewRegistration {
  deviceLibraryIdentifier: string;
  serialNumber: string;
  passTypeIdentifier: string;
  tenantId: string;
  pushToken: string;
  client: DeviceClient;
  /** e.g. `WalletPasses` or `Pass2U` for Android clients; null for Apple. */
  clientName: string | null;
  at: string;
}

export interface PushJob {
  id: string;
  tenantId: string;
  /** The pass whose change queued it (a coalesced push covers later changes too). */
  serialNumber: string;
  passTypeIdentifier: string;
  pushToken: string;
  /** Including this one. */
  attempts: number;
  createdAt: string;
}

export interface ClaimOptions {
  now: string;
  leaseUntil: string;
  limit: number;
  finished?: PushOutcome[];
}

export interface PushOutcome {
  id: string;
  state: 'delivered' | 'dead';
  at: string;
  detail: string | null;
  /**
   * Dead because sending failed for good (attempts used up, or a refusal a retry can't fix), as
   * opposed to the device being gone (APNs 410, a bad token), which is the normal end of a pass.
   */
  givenUp?: boolean;
}

export interface Installation {
  id: string;
  serialNumber: string;
  wallet: 'apple' | 'android' | 'google';
  installedAt: string;
}

export interface PushSummary {
  pending: number;
  delivered: number;
  failed: number;
  /** The latest attempt at any of the pass's pushes, failed ones that wait for a retry included. */
  lastAttemptAt: string | null;
  lastError: string | null;
}

export interface OutboxHealth {
  /** Waiting for a worker. */
  pending: number;
  /** Claimed by a worker and not finished yet. */
  leased: number;
  /** Leased, but the lease ran out before `now`: the worker died, and the next claim takes the push again. */
  expiredLeases: number;
  /** Unfinished Apple pushes whose token no longer has a registration for the topic. */
  orphaned: number;
  /** Pushes and Google syncs given up (PushOutcome.givenUp) since `givenUpSince`. */
  givenUp: number;
  /** The latest of those, or null when there is none. */
  lastGivenUp: { serialNumber: string; at: string; detail: string | null } | null;
}

export interface ImageRecord {
  /** SHA-256 of the bytes, lower-case hex. */
  hash: string;
  bytes: Buffer;
  width: number;
  height: number;
  createdAt: string;
}

export interface ImageSourceRecord {
  url: string;
  hash: string;
  fetchedAt: string;
}
