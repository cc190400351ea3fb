/** The quota month of a moment, `YYYY-MM` in UTC: quotas reset on the 1st, UTC. */
export function usageMonth(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** Midnight UTC on the 1st of the next month. */
export function nextMonthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}

export function secondsUntilNextMonth(at: Date): number {
  return Math.max(1, Math.ceil((nextMonthStart(at).getTime() - at.getTime()) / 1000));
}
