import type { PassRecord } from '@passmint/engine';
import type { NewEvent } from './event-types';

/**
 * The event of a pass write: made, changed, or voided. `at` is when the write happened: a change's
 * updatedAt can run up to a second ahead of the clock (Last-Modified moves a whole second a change).
 */
export function passEvent(type: 'pass.created' | 'pass.updated' | 'pass.voided', pass: PassRecord, at = pass.updatedAt): NewEvent {
  return {
    tenantId: pass.tenantId,
    type,
    serialNumber: pass.serialNumber,
    data: passEventData(pass.serialNumber, pass.version),
    createdAt: at,
  };
}

export function passEventData(serialNumber: string, version: number): Record<string, unknown> {
  return { serialNumber, version };
}
