import type { TenantRecord } from '@passmint/engine';
import type { ConfiguredIdentity } from '../apple-identity';
import type { PassmintEnv } from '../env';
import type { SecretsState } from '../secrets/secrets-at-rest';
import { describeStoreLocation, type StoreLocation } from '../store/open-store';

export interface StartupFacts {
  env: PassmintEnv;
  version: string;
  listening: string;
  publicUrl: string;
  apple: ConfiguredIdentity;
  location: StoreLocation;
  firstStart: { tenant: TenantRecord; key: string } | null;
  rateLimit: { perSecond: number; burst: number };
  secrets: SecretsState;
  /** What the mounted plugins report (a connected shop and where its webhooks go). */
  pluginLines?: string[];
  /** Paths in the data dir that other users may read (see looseModes). */
  looseFiles: { path: string; mode: string }[];
}

/** Where the master key is, what opening the store did, and files others can read. */
function secretsLines({ secrets, looseFiles, location }: StartupFacts): string[] {
  const from =
    secrets.source.kind === 'env'
      ? 'PASSMINT_SECRET_KEY'
      : `${secrets.source.file}${secrets.createdKey ? ' (created now: back it up with the database, it cannot be recreated)' : ''}`;
  const lines = [`  Secrets:        sealed with AES-256-GCM, key ${secrets.keyId} from ${from}`];
  if (secrets.sealedNow > 0)
    lines.push(
      `                  sealed ${secrets.sealedNow} secret${secrets.sealedNow === 1 ? '' : 's'} stored in clear by an older release`,
    );
  if (secrets.underOtherKeys > 0)
    lines.push(
      `                  warning: ${secrets.underOtherKeys} secret${secrets.underOtherKeys === 1 ? ' is' : 's are'} still under an older key: run passmint secrets rotate`,
    );
  if (secrets.source.kind === 'file' && location.kind === 'postgres') {
    lines.push(
      '                  note: every process sharing this database needs this key: set PASSMINT_SECRET_KEY on each (docs/security.md)',
    );
  }
  if (looseFiles.length > 0) {
    const shown = looseFiles.slice(0, 5).map((file) => `${file.path} (${file.mode})`);
    lines.push(
      `  warning: other users can read ${shown.join(', ')}${looseFiles.length > 5 ? ` and ${looseFiles.length - 5} more` : ''}: chmod 700 the data dir and 600 its files`,
    );
  }
  return lines;
}

/** What `passmint serve` prints at start: what is configured, what is missing and how to set it. */
export function startupReport(facts: StartupFacts): string {
  const { env, apple } = facts;
  const lines = [
    `Passmint ${facts.version} listening on ${facts.listening}`,
    `  Public URL:     ${facts.publicUrl}${env.PASSMINT_PUBLIC_URL ? '' : ' (default; set PASSMINT_PUBLIC_URL to the HTTPS address phones reach)'}`,
    `  Store:          ${describeStoreLocation(facts.location)}${facts.location.kind === 'sqlite' ? ' (WAL, group commit)' : ''}`,
    apple.identity.isDevelopment
      ? `  Apple signing:  DEVELOPMENT identity in ${apple.source}${apple.created ? ' (created now)' : ''}; passes will not install on a real iPhone (set PASSMINT_APPLE_CERT and PASSMINT_APPLE_KEY, or PASSMINT_APPLE_P12)`
      : `  Apple signing:  ${apple.identity.passTypeIdentifier} (team ${apple.identity.teamIdentifier}) from ${apple.source}`,
    ...(apple.identity.isDevelopment ? [] : apple.identity.warnings.map((warning) => `                  warning: ${warning}`)),
    `  Apple updates:  web service at ${facts.publicUrl}/apple; pushes to ${env.PASSMINT_APNS_URL} with ${
      env.PASSMINT_APNS_KEY ? `token auth (key ${env.PASSMINT_APNS_KEY_ID})` : 'the pass certificate'
    } (${env.PASSMINT_APNS_PUSH_TYPE})${facts.publicUrl.startsWith('https://') ? '' : '; devices only call HTTPS web services, so set PASSMINT_PUBLIC_URL'}`,
    env.PASSMINT_GOOGLE_ISSUER_ID
      ? `  Google Wallet:  issuer ${env.PASSMINT_GOOGLE_ISSUER_ID}, API ${env.PASSMINT_GOOGLE_API_URL}`
      : '  Google Wallet:  not configured (googleSaveUrl is null; set PASSMINT_GOOGLE_ISSUER_ID and PASSMINT_GOOGLE_SERVICE_ACCOUNT)',
    `  Image fetching: HTTPS only, public addresses only${env.PASSMINT_IMAGE_HOSTS_ALLOW.length > 0 ? `; also allowed: ${env.PASSMINT_IMAGE_HOSTS_ALLOW.join(', ')}` : ''}`,
    `  Webhooks:       ${env.PASSMINT_WEBHOOK_DELIVERY === 'off' ? 'NOT delivered by this process (PASSMINT_WEBHOOK_DELIVERY=off); ' : ''}HTTPS to public addresses${env.PASSMINT_WEBHOOK_HOSTS_ALLOW.length > 0 ? `; also allowed (HTTP and private addresses too): ${env.PASSMINT_WEBHOOK_HOSTS_ALLOW.join(', ')}` : ' (set PASSMINT_WEBHOOK_HOSTS_ALLOW for a receiver on your own network, e.g. n8n at 127.0.0.1:5678)'}`,
    `  Rate limit:     ${facts.rateLimit.perSecond} requests/s per API key, bursts of ${facts.rateLimit.burst}; ${env.PASSMINT_REDIS_URL ? 'shared by all processes through Redis' : 'per process (set PASSMINT_REDIS_URL to share it)'}`,
    ...(facts.pluginLines ?? []),
    ...secretsLines(facts),
  ];
  if (facts.firstStart) {
    lines.push(
      '',
      `First start: created the tenant "${facts.firstStart.tenant.name}" and its API key (shown only this once):`,
      '',
      `  ${facts.firstStart.key}`,
      '',
      `Try: curl -X POST ${facts.publicUrl}/api/passes -H "Authorization: Bearer <key>" -H "Content-Type: application/json" -d '{"barcodeValue":"HELLO","barcodeFormat":"QR"}'`,
      'More keys: passmint keys create --tenant <name>',
    );
  }
  return `${lines.join('\n')}\n`;
}
