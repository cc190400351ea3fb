import { toPass, toPassHead, type PassRow } from './store-rows';

const row: Omit<PassRow, 'pkpass'> = {
  tenant_id: 'tenant',
  serial_number: 'serial',
  authentication_token: 'token'.repeat(8),
  body: JSON.stringify({ logoText: 'Bayroast', headerFields: [{ label: 'POINTS', value: '1,250' }] }),
  canonical_hash: 'hash',
  pass_type_identifier: 'pass.example',
  voided: 0,
  version: 3,
  created_at: '2025-06-01T00:00:00.000Z',
  updated_at: '2025-06-02T00:00:00.000Z',
  change_seq: 7,
};

describe('a pass head read from its row', () => {
  afterEach(() => jest.restoreAllMocks());

  it('parses the stored body only when it is first read, and once', () => {
    const parse = jest.spyOn(JSON, 'parse');
    const head = toPassHead(row);
    expect(head.version).toBe(3);
    expect(parse).not.toHaveBeenCalled();

    expect(head.body).toEqual({ logoText: 'Bayroast', headerFields: [{ label: 'POINTS', value: '1,250' }] });
    expect(head.body).toBe(head.body);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('copies like a plain record: a spread or a comparison sees the body', () => {
    const head = toPassHead(row);
    const copy = { ...head };
    expect(Object.getOwnPropertyDescriptor(copy, 'body')?.value).toEqual(JSON.parse(row.body));
    expect(head).toEqual({
      tenantId: 'tenant',
      serialNumber: 'serial',
      authenticationToken: 'token'.repeat(8),
      body: JSON.parse(row.body),
      canonicalHash: 'hash',
      passTypeIdentifier: 'pass.example',
      voided: false,
      version: 3,
      createdAt: '2025-06-01T00:00:00.000Z',
      updatedAt: '2025-06-02T00:00:00.000Z',
      changeTag: '7',
    });
  });

  it('leaves the body of a whole pass unparsed too until it is read: a device fetch wants only the .pkpass', () => {
    const parse = jest.spyOn(JSON, 'parse');
    const pass = toPass({ ...row, pkpass: Buffer.from('PK') });
    expect(pass.pkpass.toString()).toBe('PK');
    expect(parse).not.toHaveBeenCalled();
    expect(pass.body).toEqual(JSON.parse(row.body));
  });
});
