import { randomBytes, randomUUID } from 'node:crypto';
import { createSecretBox, type NewPass, type SecretBox } from '@passmint/engine';
import type { NewRegistration, Store } from '../store-port';

/** A box under a fresh random master key, for stores made directly in tests. */
export function testSecretBox(): SecretBox {
  return createSecretBox([randomBytes(32)]);
}

/** Records for the engine-specific store tests (the shared battery has its own). */
export async function tenantIn(store: Store): Promise<string> {
  const id = randomUUID();
  await store.createTenant({ id, name: `tenant-${id}`, monthlyQuota: null, appleIdentity: null, createdAt: '2025-06-01T00:00:00.000Z' });
  return id;
}

export function newPass(tenantId: string, overrides: Partial<NewPass> = {}): NewPass {
  return {
    tenantId,
    serialNumber: randomUUID(),
    authenticationToken: randomUUID(),
    body: { logoText: 'Bayroast' },
    canonicalHash: randomUUID(),
    pkpass: randomBytes(128),
    passTypeIdentifier: 'pass.com.example',
    voided: false,
    createdAt: '2025-06-02T00:00:00.000Z',
    ...overrides,
  };
}

export function registrationOf(pass: NewPass): NewRegistration {
  return {
    deviceLibraryIdentifier: randomUUID(),
    serialNumber: pass.serialNumber,
    passTypeIdentifier: pass.passTypeIdentifier,
    tenantId: pass.tenantId,
    pushToken: randomUUID(),
    client: 'apple',
    clientName: null,
    at: '2025-06-02T00:00:00.000Z',
  };
}
