import { createKeyedLock } from './keyed-lock';

test('tasks with the same key run one at a time in arrival order; other keys run alongside', async () => {
  const withLock = createKeyedLock();
  const events: string[] = [];
  const task = (name: string, ms: number) => async () => {
    events.push(`${name} start`);
    await new Promise((resolve) => setTimeout(resolve, ms));
    events.push(`${name} end`);
    return name;
  };
  const results = await Promise.all([withLock('a', task('a1', 30)), withLock('a', task('a2', 1)), withLock('b', task('b1', 5))]);
  expect(results).toEqual(['a1', 'a2', 'b1']);
  expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
  expect(events.indexOf('b1 start')).toBeLessThan(events.indexOf('a1 end'));
});

test('a failed task does not block the next one with the same key', async () => {
  const withLock = createKeyedLock();
  await expect(withLock('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  await expect(withLock('a', async () => 'next')).resolves.toBe('next');
});
