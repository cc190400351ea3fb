import { randomUUID } from 'node:crypto';
import type { PassRecord } from '@passmint/engine';
import type { SqlStore } from '../../secret-columns';
import type { StoreUnderTest } from './context';
import { at, highestTag, newRegistration, OTHER_PASS_TYPE, PASS_TYPE, randomHex, serialsOf } from './fixtures';

/** Device registrations and the serials a device asks for. */
export function describeRegistrationConformance(context: StoreUnderTest): void {
  const { tenant, insertedPass, changed, registered } = context;
  let store: SqlStore;
  beforeAll(() => {
    store = context.store;
  });

  describe('device registrations', () => {
    it('registers a device once and says so, then reports the repeat as existing', async () => {
      const pass = await insertedPass((await tenant()).id);
      const registration = newRegistration(pass);
      expect(await store.registerDevice(registration)).toBe('created');
      expect(await store.registerDevice(registration)).toBe('existing');
      expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 1, android: 0 });
    });

    it('refreshes the push token, client and time of a repeat registration', async () => {
      const pass = await insertedPass((await tenant()).id);
      const first = await registered(pass, { at: at(5) });
      const again = { ...first, pushToken: randomHex(), client: 'android' as const, clientName: 'WalletPasses', at: at(9) };
      expect(await store.registerDevice(again)).toBe('existing');
      expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 0, android: 1 });
      expect(await store.removeRegistrations(first.pushToken, pass.passTypeIdentifier, at(99))).toBe(0);
      expect(await store.removeRegistrations(again.pushToken, pass.passTypeIdentifier, at(9))).toBe(0);
      expect(await store.removeRegistrations(again.pushToken, pass.passTypeIdentifier, at(10))).toBe(1);
    });

    it('keeps one registration per device and pass, and one device apart from another', async () => {
      const pass = await insertedPass((await tenant()).id);
      const mine = await registered(pass);
      await registered(pass, { pushToken: mine.pushToken, at: at(6) });
      await store.registerDevice({ ...mine, at: at(7) });
      expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 2, android: 0 });
    });

    it('unregisters a device and says whether it was registered', async () => {
      const pass = await insertedPass((await tenant()).id);
      const registration = await registered(pass);
      expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber)).toBe(true);
      expect(await store.unregisterDevice(registration.deviceLibraryIdentifier, pass.serialNumber)).toBe(false);
      expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 0, android: 0 });
    });

    it('counts the registrations of a pass by client, and zeros for a pass without any', async () => {
      const owner = await tenant();
      const pass = await insertedPass(owner.id);
      const other = await insertedPass(owner.id);
      await registered(pass);
      await registered(pass);
      await registered(pass, { client: 'android', clientName: 'Pass2U' });
      await registered(other);
      expect(await store.countRegistrations(pass.serialNumber)).toEqual({ apple: 2, android: 1 });
      expect(await store.countRegistrations(`missing-${randomUUID()}`)).toEqual({ apple: 0, android: 0 });
    });

    it('removes only the dead token’s registrations for that topic made before the given time', async () => {
      const owner = await tenant();
      const passes = await Promise.all([0, 1, 2, 3].map(() => insertedPass(owner.id)));
      const [first, second, renewed, otherTopic] = passes as [PassRecord, PassRecord, PassRecord, PassRecord];
      const pushToken = randomHex();
      const deviceLibraryIdentifier = `device-${randomUUID()}`;
      const device = { pushToken, deviceLibraryIdentifier };
      await registered(first, { ...device, at: at(5) });
      await registered(second, { ...device, at: at(6) });
      await registered(renewed, { ...device, at: at(30) });
      await registered(otherTopic, { ...device, passTypeIdentifier: OTHER_PASS_TYPE, at: at(5) });
      await registered(first, { at: at(5) });

      expect(await store.removeRegistrations(pushToken, first.passTypeIdentifier, at(20))).toBe(2);
      expect(await store.countRegistrations(first.serialNumber)).toEqual({ apple: 1, android: 0 });
      expect(await store.countRegistrations(second.serialNumber)).toEqual({ apple: 0, android: 0 });
      expect(await store.countRegistrations(renewed.serialNumber)).toEqual({ apple: 1, android: 0 });
      expect(await store.countRegistrations(otherTopic.serialNumber)).toEqual({ apple: 1, android: 0 });
      expect(await store.removeRegistrations(pushToken, first.passTypeIdentifier, at(20))).toBe(0);
    });
  });

  describe('updated serials', () => {
    /** A device registered for three passes of one type (serials that sort against creation order) and one of another. */
    async function deviceWithPasses(): Promise<{ device: string; passes: PassRecord[] }> {
      const owner = await tenant();
      const device = `device-${randomUUID()}`;
      const passes: PassRecord[] = [];
      for (const letter of ['c', 'a', 'b']) {
        const pass = await insertedPass(owner.id, { serialNumber: `serial-${letter}-${randomUUID()}` });
        await registered(pass, { deviceLibraryIdentifier: device });
        passes.push(pass);
      }
      const otherType = await insertedPass(owner.id, { passTypeIdentifier: OTHER_PASS_TYPE });
      await registered(otherType, { deviceLibraryIdentifier: device });
      await registered(await insertedPass(owner.id));
      return { device, passes };
    }

    it('returns null for a device without registrations', async () => {
      expect(await store.listUpdatedSerials(`device-${randomUUID()}`, PASS_TYPE, null)).toBeNull();
    });

    it("lists all the device's serials of the pass type, sorted, with their highest tag, when since is null", async () => {
      const { device, passes } = await deviceWithPasses();
      expect(await store.listUpdatedSerials(device, PASS_TYPE, null)).toEqual({
        serialNumbers: serialsOf(passes),
        lastUpdated: highestTag(passes),
      });
    });

    it('lists only the passes changed after since', async () => {
      const { device, passes } = await deviceWithPasses();
      const [first, second, third] = passes as [PassRecord, PassRecord, PassRecord];
      expect(await store.listUpdatedSerials(device, PASS_TYPE, first.changeTag)).toEqual({
        serialNumbers: serialsOf([second, third]),
        lastUpdated: third.changeTag,
      });
      const firstAgain = (await changed(first)).pass;
      expect(await store.listUpdatedSerials(device, PASS_TYPE, third.changeTag)).toEqual({
        serialNumbers: [first.serialNumber],
        lastUpdated: firstAgain.changeTag,
      });
      expect(await store.listUpdatedSerials(device, PASS_TYPE, firstAgain.changeTag)).toBeNull();
    });

    it('compares tags as numbers, not as strings', async () => {
      const owner = await tenant();
      let pass = await insertedPass(owner.id);
      while (Number(pass.changeTag) < 10) pass = await insertedPass(owner.id);
      const registration = await registered(pass);
      const digits = pass.changeTag.length;
      const list = (since: string) => store.listUpdatedSerials(registration.deviceLibraryIdentifier, PASS_TYPE, since);
      // '99' sorts after '150' and '1000' before it; as numbers it is the other way round.
      expect((await list('9'.repeat(digits - 1)))?.serialNumbers).toEqual([pass.serialNumber]);
      expect(await list(`1${'0'.repeat(digits)}`)).toBeNull();
    });

    it('treats a since that is not a tag like null', async () => {
      const { device, passes } = await deviceWithPasses();
      expect((await store.listUpdatedSerials(device, PASS_TYPE, 'yesterday'))?.serialNumbers).toEqual(serialsOf(passes));
    });

    it('stops listing a serial once the device unregisters from it', async () => {
      const { device, passes } = await deviceWithPasses();
      const [first, ...rest] = passes as [PassRecord, ...PassRecord[]];
      await store.unregisterDevice(device, first.serialNumber);
      expect((await store.listUpdatedSerials(device, PASS_TYPE, null))?.serialNumbers).toEqual(serialsOf(rest));
    });
  });
}
