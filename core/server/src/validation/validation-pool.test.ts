import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import type { WorkerReport } from '@passmint/engine';
import { busyWorkZip, emptyObjectsBomb, sizeLiarBomb, writeZip } from '@passmint/engine/testing';
import { ValidationFailedError } from './validation-failed-error';
import { createValidationPool, type ValidationPool, type ValidationPoolSettings } from './validation-pool';

const SETTINGS: ValidationPoolSettings = { workers: 2, queueLimit: 2, timeoutMs: 60_000, heapMb: 64 };

const small = writeZip([{ name: 'pass.json', content: Buffer.from('{}') }]);
/** pass.json of 349,000 empty objects: about 35 MB of heap once parsed, within every byte limit. */
const heapHungry = emptyObjectsBomb(349_000);
/** pass.json of half a million numbers: the shape the old null check needed ~100 MB of heap for. */
const manyNumbers = writeZip([{ name: 'pass.json', content: Buffer.from(`[${'0,'.repeat(524_000)}0]`) }]);

const pools: ValidationPool[] = [];
function pool(settings: Partial<ValidationPoolSettings> = {}): ValidationPool {
  const created = createValidationPool({ ...SETTINGS, ...settings });
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

async function failureOf(promise: Promise<WorkerReport>): Promise<string> {
  const error = await promise.then(
    () => new Error('resolved'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ValidationFailedError);
  return (error as ValidationFailedError).code;
}

test('a report comes back from a worker thread, without pass.json; refusals come back as reports too', async () => {
  const validation = pool();
  const report = await validation.validate(small, {});
  expect(report.ok).toBe(false);
  expect(report.problems.map((problem) => problem.code)).toEqual(expect.arrayContaining(['manifest_missing', 'signature_missing']));
  expect(report).not.toHaveProperty('passJson');
  expect((await validation.validate(sizeLiarBomb(), {})).refused?.code).toBe('zip_entry_size_mismatch');
  expect(validation.stats()).toEqual({ workers: 1, running: 0, queued: 0 });
});

test('the caller’s buffer is left alone (the worker gets a copy)', async () => {
  const bytes = Buffer.concat([Buffer.alloc(100, 7), Buffer.from(small)]).subarray(100);
  await pool().validate(bytes, {});
  expect(bytes.length).toBe(small.length);
  expect(Buffer.from(small).equals(bytes)).toBe(true);
});

test('a 1 MiB pass.json of half a million numbers is validated within the default 64 MB heap', async () => {
  const report = await pool().validate(manyNumbers, {});
  expect(report.problems.map((problem) => problem.code)).toContain('pass_json_not_object');
});

test('a worker that runs out of heap is replaced; that upload gets validation_out_of_memory, the next a report', async () => {
  const validation = pool({ workers: 1, heapMb: 20 });
  expect(await failureOf(validation.validate(heapHungry, {}))).toBe('validation_out_of_memory');
  expect((await validation.validate(small, {})).ok).toBe(false);
  expect(validation.stats().workers).toBe(1);
});

test('a validation over the time limit is stopped with validation_timed_out, and the pool goes on serving', async () => {
  const validation = pool({ workers: 1, timeoutMs: 25 });
  const heavy = busyWorkZip();
  expect(await failureOf(validation.validate(heavy, {}))).toBe('validation_timed_out');
  // A fresh worker takes the next upload (and stops it the same way).
  expect(await failureOf(validation.validate(heavy, {}))).toBe('validation_timed_out');
  expect(validation.stats().workers).toBeLessThanOrEqual(1);
});

test('past the workers and the queue, an upload is refused at once with validation_busy', async () => {
  const validation = pool({ workers: 1, queueLimit: 1 });
  const heavy = busyWorkZip();
  const first = validation.validate(heavy, {});
  const second = validation.validate(heavy, {});
  const third = validation.validate(heavy, {});
  // The first two wait for (or run on) the one worker; the third was refused without waiting.
  const { running, queued } = validation.stats();
  expect(running + queued).toBe(2);
  expect(await failureOf(third)).toBe('validation_busy');
  await expect(first).resolves.toMatchObject({ ok: false });
  await expect(second).resolves.toMatchObject({ ok: false });
});

test('a worker that cannot even load fails the upload with validation_failed instead of respawning forever', async () => {
  const validation = pool({ workers: 1, heapMb: 1 });
  expect(await failureOf(validation.validate(small, {}))).toBe('validation_failed');
  expect(validation.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
});

test('close refuses what waits, stops the workers, and refuses new uploads', async () => {
  const validation = pool({ workers: 1 });
  const waiting = failureOf(validation.validate(small, {}));
  await validation.close();
  expect(await waiting).toBe('validation_busy');
  expect(await failureOf(validation.validate(small, {}))).toBe('validation_busy');
  expect(validation.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
});

test('close while a validation runs settles it and stops its worker', async () => {
  const validation = pool({ workers: 1 });
  const outcome = validation.validate(busyWorkZip(), {}).then(
    () => 'report',
    (error: ValidationFailedError) => error.code,
  );
  while (validation.stats().running === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await validation.close();
  // Usually stopped mid-way; on a machine fast enough to finish first, the report came back.
  expect(['validation_failed', 'report']).toContain(await outcome);
  expect(validation.stats()).toEqual({ workers: 0, running: 0, queued: 0 });
});

/** Nice values of this process's threads (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) =>
    Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ')[16]),
  );
}

(process.platform === 'linux' ? test : test.skip)(
  'workers run at nice 10 and the rest of the process keeps its priority (Linux)',
  async () => {
    const mainThread = getPriority();
    const workerNice = Math.max(10, mainThread);
    const before = threadNiceValues().filter((nice) => nice === workerNice).length;
    await pool().validate(small, {});
    expect(threadNiceValues().filter((nice) => nice === workerNice).length).toBe(before + 1);
    expect(getPriority()).toBe(mainThread);
  },
);
