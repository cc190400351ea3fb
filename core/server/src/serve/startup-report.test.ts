import { testIdentity } from '@passmint/engine/testing';
import { readEnv } from '../env';
import type { SecretsState } from '../secrets/secrets-at-rest';
import { startupReport, type StartupFacts } from './startup-report';

function report(secrets: Partial<SecretsState>, overrides: Partial<StartupFacts> = {}): string {
  return startupReport({
    env: readEnv({}),
    version: '0.1.0',
    listening: 'http://127.0.0.1:8080',
    publicUrl: 'http://127.0.0.1:8080',
    apple: { identity: testIdentity().identity, source: '/data/dev-certs', created: false },
    location: { kind: 'sqlite', file: '/data/passmint.db' },
    firstStart: null,
    rateLimit: { perSecond: 20, burst: 40 },
    secrets: {
      keyId: '0123456789abcdef',
      source: { kind: 'file', file: '/data/secret.key', pending: '/data/secret.key.next' },
      createdKey: false,
      sealedNow: 0,
      underOtherKeys: 0,
      ...secrets,
    },
    looseFiles: [],
    ...overrides,
  });
}

test('the start-up report names the master key and its source, and what opening the store did', () => {
  expect(report({})).toContain('  Secrets:        sealed with AES-256-GCM, key 0123456789abcdef from /data/secret.key\n');
  expect(report({ createdKey: true })).toContain(
    'from /data/secret.key (created now: back it up with the database, it cannot be recreated)',
  );
  expect(report({ source: { kind: 'env' } })).toContain('key 0123456789abcdef from PASSMINT_SECRET_KEY\n');
  expect(report({ sealedNow: 1 })).toContain('sealed 1 secret stored in clear by an older release');
  expect(report({ underOtherKeys: 2 })).toContain('warning: 2 secrets are still under an older key: run passmint secrets rotate');
  expect(report({}, { location: { kind: 'postgres', url: 'postgres://db/passmint' } })).toContain(
    'every process sharing this database needs this key',
  );
  expect(report({ source: { kind: 'env' } }, { location: { kind: 'postgres', url: 'postgres://db/passmint' } })).not.toContain(
    'every process sharing',
  );
});

test('files other users can read are listed, five at most', () => {
  const looseFiles = Array.from({ length: 7 }, (_, index) => ({ path: `/data/f${index}`, mode: '0644' }));
  expect(report({}, { looseFiles })).toContain(
    'warning: other users can read /data/f0 (0644), /data/f1 (0644), /data/f2 (0644), /data/f3 (0644), /data/f4 (0644) and 2 more: chmod 700',
  );
  expect(report({})).not.toContain('other users can read');
});

test('the start-up report says where webhooks may go, and how to allow a receiver on your own network', () => {
  expect(report({})).toContain(
    '  Webhooks:       HTTPS to public addresses (set PASSMINT_WEBHOOK_HOSTS_ALLOW for a receiver on your own network',
  );
  expect(report({}, { env: readEnv({ PASSMINT_WEBHOOK_HOSTS_ALLOW: '127.0.0.1:5678' }) })).toContain(
    'also allowed (HTTP and private addresses too): 127.0.0.1:5678',
  );
  expect(report({}, { env: readEnv({ PASSMINT_WEBHOOK_DELIVERY: 'off' }) })).toContain(
    '  Webhooks:       NOT delivered by this process (PASSMINT_WEBHOOK_DELIVERY=off); HTTPS',
  );
});
