import type { NewPass, NewTenant, PassRecord, PassUpdate } from '@passmint/engine';
import type { NewRegistration, PushJob } from '../../store-port';
import type { SqlStore } from '../../secret-columns';
import { at, END_OF_TIME, LEASE_SECONDS, newPass, newRegistration, newTenant, unlimited, updateOf } from './fixtures';

export interface OpenedStore {
  store: SqlStore;
  cleanup: () => Promise<void>;
  /**
   * Waits until the event log lists every write committed so far. PostgreSQL lists an event only
   * once every transaction that began before its own has ended (so a cursor never skips one), and
   * other test files write to the same server meanwhile. Absent: listed at once.
   */
  eventsListed?: () => Promise<void>;
}

/** The store one conformance block runs against, and the steps its tests share. */
export interface StoreUnderTest {
  /** Set by the block's `beforeAll`: read it inside hooks and tests, not while registering them. */
  readonly store: SqlStore;
  /** Opens another store of the same backend (the lifecycle tests close one). */
  open: () => Promise<OpenedStore>;
  tenant(overrides?: Partial<NewTenant>): Promise<NewTenant>;
  insertedPass(tenantId: string, overrides?: Partial<NewPass>): Promise<PassRecord>;
  /** A successful update that keeps the pass type, so the pass keeps its registrations' topic. */
  changed(pass: PassRecord, overrides?: Partial<PassUpdate>): Promise<{ pass: PassRecord; queuedPushes: number }>;
  registered(pass: PassRecord, overrides?: Partial<NewRegistration>): Promise<NewRegistration>;
  /** A pass with `apple` Apple Wallet registrations and `android` Android ones. */
  registeredPass(apple: number, android?: number): Promise<{ pass: PassRecord; apple: NewRegistration[] }>;
  /** Claims at `now` (seconds, see `at`), leasing for a minute. */
  claim(now: number, limit?: number): Promise<PushJob[]>;
  /**
   * The outbox is shared by every test of the block: this leases whatever is already queued to
   * nobody, for good, so the claims of the test that calls it see only its own pushes.
   */
  drainOutbox(): Promise<void>;
  /** See OpenedStore.eventsListed. */
  eventsListed(): Promise<void>;
}

/**
 * Opens and migrates the block's store before its tests and cleans it up after them. One store
 * serves the whole block; every test makes its own tenants, serials and keys with random ids.
 */
export function storeUnderTest(open: () => Promise<OpenedStore>): StoreUnderTest {
  let opened: OpenedStore | undefined;
  beforeAll(async () => {
    opened = await open();
    await opened.store.migrate();
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  const context: StoreUnderTest = {
    get store(): SqlStore {
      if (!opened) throw new Error('The conformance store is opened in beforeAll; read it inside a hook or test.');
      return opened.store;
    },
    open,
    async tenant(overrides = {}) {
      const created = newTenant(overrides);
      await context.store.createTenant(created);
      return created;
    },
    async insertedPass(tenantId, overrides = {}) {
      const result = await context.store.insertPass(newPass(tenantId, overrides), unlimited);
      if (!result.ok) throw new Error(`insertPass failed: ${result.reason}`);
      return result.pass;
    },
    async changed(pass, overrides = {}) {
      const result = await context.store.updatePass(
        updateOf(pass, { passTypeIdentifier: pass.passTypeIdentifier, ...overrides }),
        unlimited,
      );
      if (!result.ok) throw new Error(`updatePass failed: ${result.reason}`);
      return result;
    },
    async registered(pass, overrides = {}) {
      const registration = newRegistration(pass, overrides);
      await context.store.registerDevice(registration);
      return registration;
    },
    async registeredPass(apple, android = 0) {
      const pass = await context.insertedPass((await context.tenant()).id);
      const registrations: NewRegistration[] = [];
      for (let i = 0; i < apple; i++) registrations.push(await context.registered(pass));
      for (let i = 0; i < android; i++) await context.registered(pass, { client: 'android', clientName: 'WalletPasses' });
      return { pass, apple: registrations };
    },
    claim(now, limit = 100) {
      return context.store.claimPushes({ now: at(now), leaseUntil: at(now + LEASE_SECONDS), limit });
    },
    async eventsListed() {
      await opened?.eventsListed?.();
    },
    async drainOutbox() {
      const batch = 1000;
      for (;;) {
        const claimed = await context.store.claimPushes({ now: END_OF_TIME, leaseUntil: END_OF_TIME, limit: batch });
        if (claimed.length < batch) return;
      }
    },
  };
  return context;
}
