export const SIDES = ['passmint', 'passmintEvent', 'passmintPool', 'peer', 'rsa', 'rsaPool'] as const;
export type Side = (typeof SIDES)[number];

export const SIDE_LABELS: Record<Side, string> = {
  passmint: 'Passmint, one thread',
  passmintEvent: 'Passmint event ticket, one thread',
  passmintPool: 'Passmint, thread pool',
  peer: 'passkit-generator',
  rsa: 'bare RSA sign, one thread',
  rsaPool: 'bare RSA sign, thread pool',
};

/** Sides that sign on libuv's thread pool with several passes in flight: how the server signs. */
export const POOL_SIDES: readonly Side[] = ['passmintPool', 'rsaPool'];

export function isSide(value: string | undefined): value is Side {
  return SIDES.some((side) => side === value);
}

export interface TimingSummary {
  count: number;
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

/** What a child process reports back for its side. */
export interface SideResult {
  side: Side;
  timing: TimingSummary;
  /** Peak resident set of the child up to the end of the timed loop, before validation. */
  peakRssMb: number;
  validation?: ValidationSummary;
}
