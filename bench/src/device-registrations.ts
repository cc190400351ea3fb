import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import type { BenchSchema } from './pg-schema';

export const PASS_TYPE_IDENTIFIER = 'pass.dev.passmint.local';

/** Devices to register on each pass, by serial. */
export type DeviceCounts = Map<string, number>;

/**
 * Registers devices the way iPhones do, through the Apple web service of the processes in turn
 * (32 requests in flight), each with its own device id and push token. Returns how many.
 */
export async function registerThroughWebService(urls: string[], tokens: Map<string, string>, counts: DeviceCounts): Promise<number> {
  const jobs = [...counts].flatMap(([serial, count]) => Array.from({ length: count }, () => serial));
  const pools = urls.map((url) => new Pool(url, { connections: 16 }));
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      await registerOne(pools[index % pools.length] as Pool, jobs[index] as string, tokens.get(jobs[index] as string) ?? '');
    }
  };
  try {
    await Promise.all(Array.from({ length: 32 }, worker));
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return jobs.length;
}

async function registerOne(pool: Pool, serial: string, authenticationToken: string): Promise<void> {
  const device = randomBytes(16).toString('hex');
  const response = await pool.request({
    method: 'POST',
    path: `/apple/v1/devices/${device}/registrations/${PASS_TYPE_IDENTIFIER}/${serial}`,
    headers: { authorization: `ApplePass ${authenticationToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pushToken: randomBytes(32).toString('hex') }),
  });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`registering a device for ${serial} answered ${response.statusCode}: ${text}`);
}

/**
 * Inserts registrations straight into the table, each a copy of one the web service made for the
 * same pass (so tenant, client, pass type and timestamps are what the server writes) with its own
 * device id and a distinct 64-hex push token. Every pass in `counts` needs one such registration.
 */
export async function insertRegistrations(schema: BenchSchema, counts: DeviceCounts): Promise<number> {
  const table = `${schema.name}.device_registrations`;
  const result = await schema.client.query(
    `INSERT INTO ${table} (device_library_identifier, serial_number, tenant_id, pass_type_identifier, push_token, client, client_name, created_at, updated_at)
      SELECT md5(t.serial_number || ':' || g), t.serial_number, t.tenant_id, t.pass_type_identifier,
        encode(sha256(convert_to(t.serial_number || ':' || g, 'UTF8')), 'hex'), t.client, t.client_name, t.created_at, t.updated_at
      FROM (SELECT DISTINCT ON (serial_number) * FROM ${table} ORDER BY serial_number) AS t
      JOIN unnest($1::text[], $2::int[]) AS wanted (serial_number, extra) ON wanted.serial_number = t.serial_number
      CROSS JOIN LATERAL generate_series(1, wanted.extra) AS g`,
    [[...counts.keys()], [...counts.values()]],
  );
  return result.rowCount ?? 0;
}

/** The passes' authentication tokens, which a device reads from pass.json. */
export async function authenticationTokens(schema: BenchSchema): Promise<Map<string, string>> {
  const { rows } = await schema.client.query<{ serial_number: string; authentication_token: string }>(
    `SELECT serial_number, authentication_token FROM ${schema.name}.passes`,
  );
  return new Map(rows.map((row) => [row.serial_number, row.authentication_token]));
}

export async function countRegistrations(schema: BenchSchema): Promise<{ registrations: number; distinctTokens: number }> {
  const { rows } = await schema.client.query<{ registrations: string; tokens: string }>(
    `SELECT COUNT(*) AS registrations, COUNT(DISTINCT push_token) AS tokens FROM ${schema.name}.device_registrations`,
  );
  return { registrations: Number(rows[0]?.registrations ?? 0), distinctTokens: Number(rows[0]?.tokens ?? 0) };
}

/** The pass's authenticationToken, read from its pass.json the way a device would. */
export async function passToken(url: string, key: string, serial: string): Promise<string> {
  const { unzipSync } = await import('fflate');
  const response = await fetch(`${url}/api/passes/${serial}/pass.pkpass`, { headers: { authorization: `Bearer ${key}` } });
  const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  return (JSON.parse(Buffer.from(files['pass.json'] ?? new Uint8Array()).toString('utf8')) as { authenticationToken: string })
    .authenticationToken;
}
