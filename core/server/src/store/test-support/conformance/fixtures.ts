import { randomBytes, randomUUID } from 'node:crypto';
import type {
  IdempotencyRecord,
  InsertPassResult,
  NewIdempotency,
  NewPass,
  NewTenant,
  PassRecord,
  PassUpdate,
  StoredAppleIdentity,
  UpdatePassResult,
  WriteOptions,
} from '@passmint/engine';
import type { ImageRecord, NewApiKey, NewRegistration } from '../../store-port';

/** The values the conformance tests build their rows from, and the instants they happen at. */

export const MONTH = '2025-06';
export const PASS_TYPE = 'pass.com.example.loyalty';
export const OTHER_PASS_TYPE = 'pass.com.example.other';
export const DECIMAL = /^[0-9]+$/;
export const LEASE_SECONDS = 60;
export const END_OF_TIME = '9999-12-31T23:59:59.999Z';
export const NEXT_MONTH = '2025-07';
export const unlimited: WriteOptions = { month: MONTH, quota: null };

/** A fixed instant `seconds` after a base time; ISO strings compare like the instants. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2025, 5, 1, 12, 0, 0) + seconds * 1000).toISOString();
}

export function randomHex(): string {
  return randomBytes(32).toString('hex');
}

export function uniqueName(): string {
  return `tenant-${randomUUID()}`;
}

export function identity(overrides: Partial<StoredAppleIdentity> = {}): StoredAppleIdentity {
  return {
    certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    privateKeyPem: 'placeholder key text: the store keeps it as an opaque string',
    ...overrides,
  };
}

export function newTenant(overrides: Partial<NewTenant> = {}): NewTenant {
  return { id: randomUUID(), name: uniqueName(), monthlyQuota: 100, appleIdentity: null, createdAt: at(0), ...overrides };
}

export function newApiKey(tenantId: string, overrides: Partial<NewApiKey> = {}): NewApiKey {
  const hash = randomHex();
  return { id: randomUUID(), tenantId, hash, prefix: `pm_live_${hash.slice(0, 4)}`, label: 'default', createdAt: at(0), ...overrides };
}

export function newPass(tenantId: string, overrides: Partial<NewPass> = {}): NewPass {
  return {
    tenantId,
    serialNumber: `serial-${randomUUID()}`,
    authenticationToken: randomHex(),
    body: { logoText: 'Bayroast Coffee', primaryFields: [{ label: 'CARD', value: 'Coffee Rewards' }] },
    canonicalHash: randomHex(),
    pkpass: randomBytes(1024),
    passTypeIdentifier: PASS_TYPE,
    voided: false,
    createdAt: at(0),
    ...overrides,
  };
}

export function updateOf(pass: PassRecord, overrides: Partial<PassUpdate> = {}): PassUpdate {
  return {
    tenantId: pass.tenantId,
    serialNumber: pass.serialNumber,
    expectedVersion: pass.version,
    body: { logoText: 'Updated', points: pass.version * 100 },
    canonicalHash: randomHex(),
    pkpass: randomBytes(2048),
    passTypeIdentifier: 'pass.com.example.updated',
    voided: false,
    updatedAt: at(20 + pass.version),
    ...overrides,
  };
}

export function newRegistration(pass: PassRecord, overrides: Partial<NewRegistration> = {}): NewRegistration {
  return {
    deviceLibraryIdentifier: `device-${randomUUID()}`,
    serialNumber: pass.serialNumber,
    passTypeIdentifier: pass.passTypeIdentifier,
    tenantId: pass.tenantId,
    pushToken: randomHex(),
    client: 'apple',
    clientName: null,
    at: at(5),
    ...overrides,
  };
}

export function serialsOf(passes: PassRecord[]): string[] {
  return passes.map((pass) => pass.serialNumber).sort();
}

export function highestTag(passes: PassRecord[]): string {
  return String(Math.max(...passes.map((pass) => Number(pass.changeTag))));
}

export function newIdempotency(serialNumber: string, overrides: Partial<NewIdempotency> = {}): NewIdempotency {
  return {
    key: randomUUID(),
    fingerprint: randomHex(),
    response: { serialNumber, warnings: [], pkpass: randomBytes(256) },
    createdAt: at(10),
    notBefore: at(0),
    ...overrides,
  };
}

export function quotaExceeded(used: number): InsertPassResult & UpdatePassResult {
  return { ok: false, reason: 'quota_exceeded', used };
}

export function recordOf(tenantId: string, idempotency: NewIdempotency): IdempotencyRecord {
  const { key, fingerprint, response, createdAt } = idempotency;
  return { tenantId, key, fingerprint, response, createdAt };
}

export function newImage(): ImageRecord {
  return { hash: randomHex(), bytes: randomBytes(4096), width: 160, height: 50, createdAt: at(2) };
}
