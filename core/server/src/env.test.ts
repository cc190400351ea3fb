import { ConfigError, readEnv } from './env';

function problems(env: Record<string, string>): string[] {
  try {
    readEnv(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

test('a push lease must outlast twice the APNs timeout, so no push in flight is handed out again', () => {
  expect(readEnv({}).PASSMINT_PUSH_LEASE_MS).toBe(60_000);
  expect(readEnv({ PASSMINT_PUSH_LEASE_MS: '4000', PASSMINT_APNS_TIMEOUT_MS: '2000' }).PASSMINT_PUSH_LEASE_MS).toBe(4000);
  expect(problems({ PASSMINT_PUSH_LEASE_MS: '15000' })).toEqual([
    expect.stringMatching(/^PASSMINT_PUSH_LEASE_MS must be at least twice PASSMINT_APNS_TIMEOUT_MS \(10000 ms\)/),
  ]);
  expect(problems({ PASSMINT_PUSH_LEASE_MS: '500' })).toEqual([expect.stringContaining('PASSMINT_PUSH_LEASE_MS')]);
});

test('PASSMINT_SECRET_KEY is one or more 32-byte keys (base64 or hex); a wrong one is named, never echoed', () => {
  const base64 = Buffer.alloc(32, 7).toString('base64');
  const hex = Buffer.alloc(32, 9).toString('hex');
  expect(readEnv({ PASSMINT_SECRET_KEY: base64 }).PASSMINT_SECRET_KEY).toEqual([Buffer.alloc(32, 7)]);
  expect(readEnv({ PASSMINT_SECRET_KEY: `${hex},${base64}` }).PASSMINT_SECRET_KEY).toEqual([Buffer.alloc(32, 9), Buffer.alloc(32, 7)]);
  expect(readEnv({}).PASSMINT_SECRET_KEY).toBeUndefined();
  for (const wrong of ['hunter2-but-longer-than-that', Buffer.alloc(16).toString('base64'), `${base64},`]) {
    const found = problems({ PASSMINT_SECRET_KEY: wrong });
    expect(found).toEqual([expect.stringMatching(/^PASSMINT_SECRET_KEY must be 32 bytes as base64/)]);
    expect(found.join()).not.toContain(wrong);
  }
});

test("PASSMINT_TRUST_PROXY: off by default; true, or the proxies' addresses; anything else is named", () => {
  expect(readEnv({}).PASSMINT_TRUST_PROXY).toBe(false);
  expect(readEnv({ PASSMINT_TRUST_PROXY: 'true' }).PASSMINT_TRUST_PROXY).toBe(true);
  expect(readEnv({ PASSMINT_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).PASSMINT_TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
  expect(problems({ PASSMINT_TRUST_PROXY: 'loadbalancer.internal' })).toEqual([
    expect.stringMatching(/^PASSMINT_TRUST_PROXY must be false, true, or comma-separated/),
  ]);
});

test('timeouts: the headers must not be allowed longer than the whole request', () => {
  expect(readEnv({})).toMatchObject({
    PASSMINT_HEADERS_TIMEOUT_MS: 10_000,
    PASSMINT_REQUEST_TIMEOUT_MS: 30_000,
    PASSMINT_KEEP_ALIVE_TIMEOUT_MS: 72_000,
    PASSMINT_SHUTDOWN_GRACE_MS: 10_000,
  });
  expect(problems({ PASSMINT_HEADERS_TIMEOUT_MS: '40000' })).toEqual([
    expect.stringMatching(/^PASSMINT_HEADERS_TIMEOUT_MS must not exceed PASSMINT_REQUEST_TIMEOUT_MS/),
  ]);
  expect(problems({ PASSMINT_REQUEST_TIMEOUT_MS: '10' })).toEqual([expect.stringContaining('PASSMINT_REQUEST_TIMEOUT_MS')]);
});

test("Apple web service limits default to a household's needs and a pass shared by link", () => {
  expect(readEnv({})).toMatchObject({
    PASSMINT_REGISTRATIONS_PER_MINUTE_PER_ADDRESS: 60,
    PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: 600,
    PASSMINT_MAX_DEVICES_PER_PASS: 100_000,
    PASSMINT_DEVICE_LOGS_PER_MINUTE_PER_ADDRESS: 10,
  });
  expect(problems({ PASSMINT_MAX_DEVICES_PER_PASS: '0', PASSMINT_REGISTRATIONS_PER_MINUTE_PER_PASS: 'many' })).toHaveLength(2);
});

test('PASSMINT_WEBHOOK_HOSTS_ALLOW: none by default; comma-separated host or host:port entries, like the image hosts', () => {
  expect(readEnv({}).PASSMINT_WEBHOOK_HOSTS_ALLOW).toEqual([]);
  expect(readEnv({ PASSMINT_WEBHOOK_HOSTS_ALLOW: ' 127.0.0.1:5678, n8n.internal ,,[::1]:8080' }).PASSMINT_WEBHOOK_HOSTS_ALLOW).toEqual([
    '127.0.0.1:5678',
    'n8n.internal',
    '[::1]:8080',
  ]);
  expect(readEnv({ PASSMINT_IMAGE_HOSTS_ALLOW: 'images.internal:8443' }).PASSMINT_IMAGE_HOSTS_ALLOW).toEqual(['images.internal:8443']);
});

test('PASSMINT_WEBHOOK_CONCURRENCY: 32 deliveries at once to an endpoint by default, 1 to 256', () => {
  expect(readEnv({}).PASSMINT_WEBHOOK_CONCURRENCY).toBe(32);
  expect(readEnv({ PASSMINT_WEBHOOK_CONCURRENCY: '1' }).PASSMINT_WEBHOOK_CONCURRENCY).toBe(1);
  for (const value of ['0', '257', '2.5', 'many']) {
    expect(problems({ PASSMINT_WEBHOOK_CONCURRENCY: value })).toEqual([expect.stringContaining('PASSMINT_WEBHOOK_CONCURRENCY')]);
  }
});
