import { createImageRefresher } from './image-refresher';

/** A refresh the test settles by hand, one per call, in call order. */
function manualRefreshes() {
  const calls: { url: string; succeed(): void; fail(): void }[] = [];
  return {
    calls,
    refresh: (url: string) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ url, succeed: resolve, fail: () => reject(new Error('host down')) });
      }),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('one refresh per URL at a time, however often it is asked for', async () => {
  const manual = manualRefreshes();
  const refresher = createImageRefresher({ refresh: manual.refresh });
  for (let i = 0; i < 100; i++) refresher.request('https://a.example/logo.png');
  expect(manual.calls.map((call) => call.url)).toEqual(['https://a.example/logo.png']);
  manual.calls[0]?.succeed();
  await refresher.idle();
  refresher.request('https://a.example/logo.png');
  expect(manual.calls).toHaveLength(2);
  manual.calls[1]?.succeed();
  await refresher.close();
});

test('a URL whose refresh failed is left alone until the retry time, then tried again', async () => {
  let now = 1_000_000;
  const manual = manualRefreshes();
  const refresher = createImageRefresher({ refresh: manual.refresh, now: () => now, retryFailedAfterMs: 60_000 });
  refresher.request('https://a.example/logo.png');
  manual.calls[0]?.fail();
  await refresher.idle();
  for (let i = 0; i < 50; i++) refresher.request('https://a.example/logo.png');
  now += 59_999;
  refresher.request('https://a.example/logo.png');
  expect(manual.calls).toHaveLength(1);
  now += 1;
  refresher.request('https://a.example/logo.png');
  expect(manual.calls).toHaveLength(2);
  manual.calls[1]?.succeed();
  await refresher.close();
});

test('at most `concurrency` refreshes run at once; the others wait their turn, and past `maxQueued` are dropped', async () => {
  const manual = manualRefreshes();
  const refresher = createImageRefresher({ refresh: manual.refresh, concurrency: 2, maxQueued: 3 });
  for (let i = 0; i < 10; i++) refresher.request(`https://a.example/${i}.png`);
  expect(manual.calls.map((call) => call.url)).toEqual(['https://a.example/0.png', 'https://a.example/1.png']);
  manual.calls[0]?.succeed();
  await settle();
  expect(manual.calls.map((call) => call.url)).toEqual(['https://a.example/0.png', 'https://a.example/1.png', 'https://a.example/2.png']);
  manual.calls[1]?.fail();
  manual.calls[2]?.succeed();
  await settle();
  await settle();
  expect(manual.calls.slice(3).map((call) => call.url)).toEqual(['https://a.example/3.png', 'https://a.example/4.png']);
  for (const call of manual.calls.slice(3)) call.succeed();
  await refresher.idle();
  expect(manual.calls).toHaveLength(5);
  await refresher.close();
});

test('close waits for the refreshes running, drops the queued ones and takes no more', async () => {
  const manual = manualRefreshes();
  const refresher = createImageRefresher({ refresh: manual.refresh, concurrency: 1 });
  refresher.request('https://a.example/running.png');
  refresher.request('https://a.example/queued.png');
  let closed = false;
  const closing = refresher.close().then(() => (closed = true));
  await settle();
  expect(closed).toBe(false);
  manual.calls[0]?.succeed();
  await closing;
  refresher.request('https://a.example/late.png');
  expect(manual.calls.map((call) => call.url)).toEqual(['https://a.example/running.png']);
});
