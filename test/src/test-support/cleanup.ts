/**
 * Runs every cleanup step, in order, even when earlier ones throw, so one failure cannot leave
 * the rest (processes, servers, pools, schemas) open; then throws the first error. Steps may be
 * given for things a failed setup never made: `() => server?.stop()`.
 */
export async function closeAll(steps: readonly (() => unknown)[]): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} cleanup steps failed`);
}
