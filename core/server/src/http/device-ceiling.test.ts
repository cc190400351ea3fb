import { createDeviceCeiling } from './device-ceiling';

function fakeStore(initial: number) {
  const state = { devices: initial, counts: 0 };
  return {
    state,
    count: async () => {
      state.counts += 1;
      await new Promise((resolve) => setImmediate(resolve));
      return state.devices;
    },
  };
}

describe('the device ceiling', () => {
  test('concurrent admissions stop exactly at the maximum, counting the store once', async () => {
    const store = fakeStore(2);
    const ceiling = createDeviceCeiling({ max: 5, count: store.count });
    const slots = await Promise.all(Array.from({ length: 10 }, () => ceiling.admit('S')));
    expect(slots.filter(Boolean)).toHaveLength(3);
    expect(store.state.counts).toBe(1);
  });

  test('a slot given back (a repeat registration, a failed write) frees the place; a created one keeps it', async () => {
    const ceiling = createDeviceCeiling({ max: 2, count: async () => 0 });
    const first = await ceiling.admit('S');
    const second = await ceiling.admit('S');
    expect(await ceiling.admit('S')).toBeNull();
    first!.settle('existing');
    second!.settle('created');
    second!.settle('failed'); // a second settle changes nothing
    const third = await ceiling.admit('S');
    third!.settle('created');
    expect(await ceiling.admit('S')).toBeNull();
    ceiling.removed('S');
    expect(await ceiling.admit('S')).not.toBeNull();
  });

  test('the count is taken again once older than recountMs, so other processes are seen', async () => {
    let clock = 0;
    const store = fakeStore(0);
    const ceiling = createDeviceCeiling({ max: 3, count: store.count, recountMs: 1000, now: () => clock });
    (await ceiling.admit('S'))!.settle('created');
    store.state.devices = 3; // two more registered through another process
    expect(await ceiling.admit('S')).not.toBeNull();
    clock = 1000;
    expect(await ceiling.admit('S')).toBeNull();
    store.state.devices = 1;
    expect(await ceiling.admit('S')).toBeNull(); // a fresh count is trusted for recountMs
    clock = 2000;
    expect(await ceiling.admit('S')).not.toBeNull();
    expect(store.state.counts).toBe(3);
  });

  test('counts of idle passes are forgotten, so a stream of passes does not grow memory without end; a pass mid-write is kept', async () => {
    let clock = 0;
    const ceiling = createDeviceCeiling({ max: 1, count: async () => 0, recountMs: 10, now: () => clock });
    const held = await ceiling.admit('held');
    for (let i = 0; i < 10_000; i++) {
      clock += 1;
      (await ceiling.admit(`S${i}`))!.settle('created');
    }
    expect(ceiling.size()).toBeLessThan(2048);
    expect(await ceiling.admit('held')).toBeNull();
    held!.settle('failed');
    expect(await ceiling.admit('held')).not.toBeNull();
  });
});
