import { randomBytes, randomUUID } from 'node:crypto';
import type { PassRecord } from '@passmint/engine';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { DECIMAL, MONTH, newPass, serialsOf, unlimited, updateOf } from './fixtures';

/** Passes, their versions and their change tags. */
export function describePassConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, changed } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('passes', () => {
    it('inserts version 1 with updatedAt equal to createdAt', async () => {
      const owner = await tenant();
      const pass = newPass(owner.id);
      const expected = { ...pass, version: 1, updatedAt: pass.createdAt, changeTag: expect.stringMatching(DECIMAL) as string };
      const result = await store.insertPass(pass, unlimited);
      expect(result).toEqual({ ok: true, pass: expected });
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(result.ok ? result.pass : null);
    });

    it("pages through every tenant's passes in serial order, each once", async () => {
      const mine = [
        await insertedPass((await tenant()).id),
        await insertedPass((await tenant()).id),
        await insertedPass((await tenant()).id),
      ];
      const seen: PassRecord[] = [];
      for (
        let page = await store.listPassesAfter(null, 7);
        page.length > 0;
        page = await store.listPassesAfter(seen[seen.length - 1]?.serialNumber ?? null, 7)
      ) {
        expect(page.length).toBeLessThanOrEqual(7);
        seen.push(...page);
      }
      const serials = serialsOf(seen);
      expect(serials).toEqual([...serials].sort());
      expect(new Set(serials).size).toBe(serials.length);
      for (const pass of mine) expect(seen.find((record) => record.serialNumber === pass.serialNumber)).toEqual(pass);
    });

    it('reads a pass without its signed file, for its own tenant only', async () => {
      const owner = await tenant();
      const { pkpass: _signed, ...head } = await changed(await insertedPass(owner.id)).then((result) => result.pass);
      expect(await store.findPassHead(owner.id, head.serialNumber)).toEqual(head);
      expect(await store.findPassHead((await tenant()).id, head.serialNumber)).toBeNull();
      expect(await store.findPassHead(owner.id, `missing-${randomUUID()}`)).toBeNull();
    });

    it('returns null for an unknown serial or the wrong tenant', async () => {
      const owner = await tenant();
      const other = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.findPass(owner.id, `missing-${randomUUID()}`)).toBeNull();
      expect(await store.findPass(other.id, pass.serialNumber)).toBeNull();
    });

    it.each<[string, unknown]>([
      ['an object', { logoText: 'Bayroast', fields: [{ label: 'POINTS', value: 1250 }], nested: { ok: true, none: null } }],
      ['an array', [1, 'two', { three: 3 }]],
      ['a string', 'just text: "quoted" and ünïcödé ☕'],
      ['a number', 42.5],
      ['null', null],
    ])('round-trips %s as the body', async (_label, body) => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id, { body });
      expect((await store.findPass(owner.id, pass.serialNumber))?.body).toEqual(body);
    });

    it('round-trips the pkpass byte for byte', async () => {
      const owner = await tenant();
      const pkpass = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)), randomBytes(256 * 1024)]);
      const pass = await insertedPass(owner.id, { pkpass });
      const found = await store.findPass(owner.id, pass.serialNumber);
      expect(Buffer.isBuffer(found?.pkpass)).toBe(true);
      expect(found?.pkpass.equals(pkpass)).toBe(true);
    });

    it('round-trips a voided pass', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id, { voided: true });
      expect((await store.findPass(owner.id, pass.serialNumber))?.voided).toBe(true);
    });

    it('records version 1 in the history', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const { serialNumber, body, canonicalHash, createdAt } = pass;
      expect(await store.listPassVersions(owner.id, serialNumber)).toEqual([
        { tenantId: owner.id, serialNumber, version: 1, body, canonicalHash, createdAt },
      ]);
    });

    it('lists no versions for an unknown pass or the wrong tenant', async () => {
      const owner = await tenant();
      const other = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.listPassVersions(owner.id, `missing-${randomUUID()}`)).toEqual([]);
      expect(await store.listPassVersions(other.id, pass.serialNumber)).toEqual([]);
    });

    it('refuses a serial the tenant already used, writing nothing', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const usedBefore = await store.usage(owner.id, MONTH);
      const again = newPass(owner.id, { serialNumber: pass.serialNumber, canonicalHash: 'other' });
      expect(await store.insertPass(again, unlimited)).toEqual({ ok: false, reason: 'serial_taken' });
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
      expect(await store.listPassVersions(owner.id, pass.serialNumber)).toHaveLength(1);
      expect(await store.usage(owner.id, MONTH)).toBe(usedBefore);
    });

    it('refuses a serial another tenant used', async () => {
      const owner = await tenant();
      const other = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.insertPass(newPass(other.id, { serialNumber: pass.serialNumber }), unlimited)).toEqual({
        ok: false,
        reason: 'serial_taken',
      });
      expect(await store.findPass(other.id, pass.serialNumber)).toBeNull();
      expect(await store.usage(other.id, MONTH)).toBe(0);
    });
  });

  describe('updating passes', () => {
    it('replaces the pass and raises its version, keeping its token and createdAt', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const change = updateOf(pass, { voided: true });
      const expected: PassRecord = {
        tenantId: owner.id,
        serialNumber: pass.serialNumber,
        authenticationToken: pass.authenticationToken,
        body: change.body,
        canonicalHash: change.canonicalHash,
        pkpass: change.pkpass,
        passTypeIdentifier: change.passTypeIdentifier,
        voided: true,
        version: 2,
        createdAt: pass.createdAt,
        updatedAt: change.updatedAt,
        changeTag: expect.stringMatching(DECIMAL) as string,
      };
      const result = await store.updatePass(change, unlimited);
      expect(result).toEqual({ ok: true, pass: expected, queuedPushes: 0 });
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(result.ok ? result.pass : null);
    });

    it('appends each version to the history, oldest first', async () => {
      const owner = await tenant();
      const first = await insertedPass(owner.id);
      const second = await store.updatePass(updateOf(first), unlimited);
      if (!second.ok) throw new Error(second.reason);
      const third = await store.updatePass(updateOf(second.pass), unlimited);
      if (!third.ok) throw new Error(third.reason);
      const history = await store.listPassVersions(owner.id, first.serialNumber);
      expect(history.map(({ version, body, canonicalHash, createdAt }) => ({ version, body, canonicalHash, createdAt }))).toEqual(
        [first, second.pass, third.pass].map((pass) => ({
          version: pass.version,
          body: pass.body,
          canonicalHash: pass.canonicalHash,
          createdAt: pass.updatedAt,
        })),
      );
    });

    it('reports not_found for an unknown serial and for the wrong tenant', async () => {
      const owner = await tenant();
      const other = await tenant();
      const pass = await insertedPass(owner.id);
      expect(await store.updatePass(updateOf(pass, { serialNumber: `missing-${randomUUID()}` }), unlimited)).toEqual({
        ok: false,
        reason: 'not_found',
      });
      expect(await store.updatePass(updateOf(pass, { tenantId: other.id }), unlimited)).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
    });

    it('reports version_conflict for a stale expectedVersion and writes nothing', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const usedBefore = await store.usage(owner.id, MONTH);
      for (const expectedVersion of [0, 2]) {
        expect(await store.updatePass(updateOf(pass, { expectedVersion }), unlimited)).toEqual({ ok: false, reason: 'version_conflict' });
      }
      expect(await store.findPass(owner.id, pass.serialNumber)).toEqual(pass);
      expect(await store.listPassVersions(owner.id, pass.serialNumber)).toHaveLength(1);
      expect(await store.usage(owner.id, MONTH)).toBe(usedBefore);
    });

    it('lets only one of two writers at the same version win', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const results = await Promise.all([store.updatePass(updateOf(pass), unlimited), store.updatePass(updateOf(pass), unlimited)]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'version_conflict' }]);
      expect((await store.findPass(owner.id, pass.serialNumber))?.version).toBe(2);
    });
  });

  describe('change tags', () => {
    it('gives every insert and update a decimal tag above every tag before it', async () => {
      const owner = await tenant();
      const first = await insertedPass(owner.id);
      const second = await insertedPass((await tenant()).id);
      const third = (await changed(first)).pass;
      const fourth = (await changed(third)).pass;
      const tags = [first, second, third, fourth].map((pass) => pass.changeTag);
      for (const tag of tags) expect(tag).toMatch(DECIMAL);
      for (let i = 1; i < tags.length; i++) expect(Number(tags[i])).toBeGreaterThan(Number(tags[i - 1]));
      expect((await store.findPass(owner.id, first.serialNumber))?.changeTag).toBe(fourth.changeTag);
    });

    it('keeps the tag when an update is refused', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      await store.updatePass(updateOf(pass, { expectedVersion: 5 }), unlimited);
      await store.updatePass(updateOf(pass), { month: MONTH, quota: 0 });
      expect((await store.findPass(owner.id, pass.serialNumber))?.changeTag).toBe(pass.changeTag);
    });

    it("finds a pass by its serial alone, whichever tenant's it is", async () => {
      const pass = (await changed(await insertedPass((await tenant()).id))).pass;
      expect(await store.findPassBySerial(pass.serialNumber)).toEqual(pass);
      expect(await store.findPassBySerial(`missing-${randomUUID()}`)).toBeNull();
    });
  });
}
