import { PassmintError } from '../errors';

/**
 * What the pass engine calls: a tenant's passes, their writes (each one transaction with its
 * quota use and idempotency record), idempotency records and monthly usage. The server's Store
 * adds the rest of what it keeps.
 */
export interface PassRepository {
  findPass(tenantId: string, serialNumber: string): Promise<PassRecord | null>;
  /** The pass without its signed file: what an update needs to decide and write, at a fraction of the bytes. */
  findPassHead(tenantId: string, serialNumber: string): Promise<PassHead | null>;
  insertPass(pass: NewPass, options: WriteOptions & { idempotency?: NewIdempotency }): Promise<InsertPassResult>;
  /**
   * Replaces the stored pass if it is still at `expectedVersion`; the version goes up by one and
   * the pass gets a new change tag. In the same transaction, one push per Apple registration of
   * the pass is queued, except where a push to that token and topic is already waiting: the
   * device fetches every changed pass when it wakes, so the waiting one covers both.
   */
  updatePass(update: PassUpdate, options: WriteOptions): Promise<UpdatePassResult>;
  /** The idempotency record, if one newer than `notBefore` exists. */
  findIdempotency(tenantId: string, key: string, notBefore: string): Promise<IdempotencyRecord | null>;

  /** Passes counted against the tenant in a month (`YYYY-MM`). */
  usage(tenantId: string, month: string): Promise<number>;
}

export interface StoredAppleIdentity {
  certificatePem: string;
  /** Unencrypted PKCS#8 or PKCS#1 PEM. */
  privateKeyPem: string;
  /** Apple's WWDR intermediate; the bundled G4 when absent. */
  wwdrPem?: string;
}

/** A tenant's own Google Wallet issuer and the service account authorised for it. */
export interface StoredGoogleIdentity {
  issuerId: string;
  /** The service account's JSON key, as Google issued it. */
  serviceAccount: { client_email: string; private_key: string; token_uri?: string };
}

export interface NewTenant {
  id: string;
  name: string;
  /** Passes a month; null is unlimited. */
  monthlyQuota: number | null;
  appleIdentity: StoredAppleIdentity | null;
  /** Absent or null: the instance's Google issuer, if any. */
  googleIdentity?: StoredGoogleIdentity | null;
  createdAt: string;
}

export interface TenantRecord extends NewTenant {
  updatedAt: string;
}

export interface NewPass {
  tenantId: string;
  serialNumber: string;
  /** The per-pass secret devices send to Apple's web service. */
  authenticationToken: string;
  /** The body as the client sent it (after validation). */
  body: unknown;
  canonicalHash: string;
  pkpass: Buffer;
  passTypeIdentifier: string;
  voided: boolean;
  createdAt: string;
}

export interface PassRecord extends NewPass {
  version: number;
  updatedAt: string;
  /** Opaque, increasing across all passes with every change: Apple's `lastUpdated` tag. */
  changeTag: string;
}

export type PassHead = Omit<PassRecord, 'pkpass'>;

export interface PassUpdate {
  tenantId: string;
  serialNumber: string;
  expectedVersion: number;
  body: unknown;
  canonicalHash: string;
  pkpass: Buffer;
  passTypeIdentifier: string;
  voided: boolean;
  updatedAt: string;
}

/** Quota accounting for a write: the month it counts in and the tenant's limit (null: none). */
export interface WriteOptions {
  month: string;
  quota: number | null;
  /** False for writes that cost nothing (a void). */
  countsTowardQuota?: boolean;
  /**
   * Also queue a Google sync of the pass, in the same transaction: a new pass's insert on Google
   * (the POST answers without waiting for it) or a changed pass's update.
   */
  syncGoogle?: boolean;
  /**
   * updatePass: when the queued pushes become due; the update's time when absent. (A pass's
   * updatedAt can run ahead of the clock, since Last-Modified moves a whole second per change.)
   */
  queueAt?: string;
}

export interface NewIdempotency {
  key: string;
  /** Hash of the request the key was first used with. */
  fingerprint: string;
  /** What the first request answered, replayed for a retry. */
  response: StoredResponse;
  createdAt: string;
  /** Records older than this are expired: the key may be reused. */
  notBefore: string;
}

export interface StoredResponse {
  serialNumber: string;
  warnings: string[];
  pkpass: Buffer;
}

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  fingerprint: string;
  response: StoredResponse;
  createdAt: string;
}

export type InsertPassResult =
  | { ok: true; pass: PassRecord }
  | { ok: false; reason: 'quota_exceeded'; used: number }
  | { ok: false; reason: 'idempotency_exists'; existing: IdempotencyRecord }
  | { ok: false; reason: 'serial_taken' };

export type UpdatePassResult =
  | { ok: true; pass: PassRecord; /** Apple registrations the change was queued for. */ queuedPushes: number }
  | { ok: false; reason: 'quota_exceeded'; used: number }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'version_conflict' };

/** A unique name or id is already taken. */
export class StoreConflictError extends PassmintError {
  constructor(message: string) {
    super('conflict', message);
  }
}
