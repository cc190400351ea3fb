import { batchEventReader, toEvent, type EventRow } from './event-rows';

const row = (seq: number, serialNumber: string): EventRow => ({
  seq,
  tenant_id: 'tenant-1',
  type: 'pass.updated',
  data: JSON.stringify({ serialNumber }),
  created_at: '2026-12-07T12:00:00.000Z',
});

describe('batchEventReader', () => {
  it('reads each event of a batch once, and gives every delivery of it the same record', () => {
    const eventOf = batchEventReader();
    const first = eventOf(row(7, 'S-1'));
    expect(first).toEqual(toEvent(row(7, 'S-1')));
    expect(eventOf(row(7, 'S-1'))).toBe(first);
    const second = eventOf(row(8, 'S-2'));
    expect(second).not.toBe(first);
    expect(second.data).toEqual({ serialNumber: 'S-2' });
  });
});
