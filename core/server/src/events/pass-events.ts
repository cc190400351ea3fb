import type { PassRecord } from '@passmint/engine';
import type { NewEvent } from './event-types';

/** The event of a pass write: made, changed, or voided. */
export function passEvent(type: 'pass.created' | 'pass.updated' | 'pass.voided', pass: PassRecord): NewEvent {
  return {
    tenantId: pass.tenantId,
    type,
    serialNumber: pass.serialNumber,
    data: passEventData(pass.serialNumber, pass.version),
    createdAt: pass.updatedAt,
  };
}

export function passEventData(serialNumber: string, version: number): Record<string, unknown> {
  return { serialNumber, version };
}
