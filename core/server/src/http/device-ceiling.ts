/** A place for one more device on a pass, held while its registration is written. */
export interface DeviceSlot {
  /** Call once the write is done: `created` keeps the place, anything else gives it back. */
  settle(outcome: 'created' | 'existing' | 'failed'): void;
}

export interface DeviceCeiling {
  /** A slot when the pass has fewer than the maximum devices (written and being written); null when full. */
  admit(serialNumber: string): Promise<DeviceSlot | null>;
  /** A device left the pass through this process. */
  removed(serialNumber: string): void;
}

export interface DeviceCeilingOptions {
  max: number;
  /** Devices registered for a pass, from the store. */
  count(serialNumber: string): Promise<number>;
  /** How long a count is trusted before it is taken again: other processes register devices too. */
  recountMs?: number;
  now?: () => number;
}

interface Tally {
  stored: number;
  pending: number;
  countedAt: number;
  counting?: Promise<void>;
}

const FIRST_SWEEP_AT = 1024;

/**
 * The ceiling of devices per pass. Counting a pass's registrations reads one index entry per
 * device, too much to repeat for each of 10,000 registrations, so a count is kept per pass and
 * taken again when older than `recountMs`; in between this process adds what it writes. With
 * several processes, the others' registrations since the last count are unseen: the ceiling can
 * be passed by what the per-pass rate limit lets through in `recountMs`.
 */
export function createDeviceCeiling(options: DeviceCeilingOptions): DeviceCeiling & { size(): number } {
  const { max, count } = options;
  const recountMs = options.recountMs ?? 5000;
  const now = options.now ?? (() => performance.now());
  const passes = new Map<string, Tally>();
  let sweepAt = FIRST_SWEEP_AT;

  function recount(tally: Tally, serialNumber: string): Promise<void> {
    tally.counting ??= count(serialNumber)
      .then((stored) => {
        tally.stored = stored;
        tally.countedAt = now();
      })
      .finally(() => {
        tally.counting = undefined;
      });
    return tally.counting;
  }

  function sweep(): void {
    for (const [serial, tally] of passes) if (tally.pending === 0 && now() - tally.countedAt >= recountMs) passes.delete(serial);
    sweepAt = Math.max(FIRST_SWEEP_AT, passes.size * 2);
  }

  async function tallyOf(serialNumber: string): Promise<Tally> {
    let tally = passes.get(serialNumber);
    if (!tally) {
      if (passes.size >= sweepAt) sweep();
      tally = { stored: 0, pending: 0, countedAt: -Infinity };
      passes.set(serialNumber, tally);
    }
    if (now() - tally.countedAt >= recountMs) await recount(tally, serialNumber);
    return tally;
  }

  return {
    async admit(serialNumber) {
      const tally = await tallyOf(serialNumber);
      if (tally.stored + tally.pending >= max) return null;
      tally.pending += 1;
      let settled = false;
      return {
        settle(outcome) {
          if (settled) return;
          settled = true;
          tally.pending -= 1;
          if (outcome === 'created') tally.stored += 1;
        },
      };
    },
    removed(serialNumber) {
      const tally = passes.get(serialNumber);
      if (tally && tally.stored > 0) tally.stored -= 1;
    },
    /** Passes whose count is held (tests of the sweep). */
    size: () => passes.size,
  };
}
