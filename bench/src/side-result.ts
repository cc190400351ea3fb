export const SIDES = ['passmint', 'passmintEvent', 'rsa', 'passmintPool', 'rsaPool', 'peer'] as const;
export type Side = (typeof SIDES)[number];

export const SIDE_LABELS: Record<Side, string> = {
  passmint: 'Passmint loyalty pass, one thread',
  passmintEvent: 'Passmint event ticket, one thread',
  rsa: 'bare RSA sign, one thread',
  passmintPool: 'Passmint loyalty pass, thread pool',
  rsaPool: 'bare RSA sign, thread pool',
  peer: 'passkit-generator',
};

/**
 * The sides share a child process per group and take turns slice by slice, so what slows the
 * machine down slows each of them alike; passkit-generator runs alone (its rate is ~100× lower).
 */
export const GROUPS = {
  thread: ['passmint', 'passmintEvent', 'rsa'],
  pool: ['passmintPool', 'rsaPool'],
  peer: ['peer'],
} as const satisfies Record<string, readonly Side[]>;
export type Group = keyof typeof GROUPS;

/** Sides that sign on libuv's thread pool with several passes in flight: how the server signs. */
export const POOL_SIDES: readonly Side[] = GROUPS.pool;

export function isGroup(value: string | undefined): value is Group {
  return value !== undefined && Object.keys(GROUPS).includes(value);
}

export interface TimingSummary {
  count: number;
  /** Median of the slices' rates. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ValidationSummary {
  checked: number;
  passesWithErrors: number;
  errorCodes: Record<string, number>;
  warningCodes: Record<string, number>;
  /** `code: message` of the first few errors, for a quick look. */
  firstErrors: string[];
}

export interface SideResult {
  side: Side;
  timing: TimingSummary;
  /** Nanoseconds of each slice, in slice order; every slice of a group has the same pass count. */
  sliceNs: number[];
  /** CPU time of the process in each slice (all its threads). */
  sliceCpuNs: number[];
  validation?: ValidationSummary;
}

/** One pass's cost, step by step: the median µs of each step over many passes. */
export type StageBreakdown = Record<string, number>;

/** What a group's child process reports back. */
export interface GroupResult {
  group: Group;
  sides: SideResult[];
  /** Peak resident set of the child up to the end of its timed slices, before validation ends. */
  peakRssMb: number;
  /** Per kind of pass (loyalty, event ticket), from the one-thread group only. */
  stages?: Record<string, StageBreakdown>;
}
