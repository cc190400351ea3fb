import { PassmintError } from '@passmint/engine';
import { isForbiddenAddress, parseIpAddress } from '../images/address-policy';
import { lookupAll, parseHostAllowList, withTimeout, type HostAllowList, type HostLookup } from '../net/guarded-connector';

/** The longest webhook URL accepted, in characters. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export type WebhookUrlErrorCode = 'webhook_url_invalid' | 'webhook_url_forbidden';

/** Why a URL cannot be a webhook endpoint; the message names the URL's host and nothing internal. */
export class WebhookUrlError extends PassmintError {
  override readonly status = 400;
  declare readonly code: WebhookUrlErrorCode;

  constructor(code: WebhookUrlErrorCode, message: string) {
    super(code, message);
  }
}

/** Where webhooks may be sent. */
export interface WebhookUrlPolicy {
  /**
   * PASSMINT_WEBHOOK_HOSTS_ALLOW: `host` (the scheme's default port) or `host:port` entries whose
   * URLs may use plain http and private addresses; IPv6 in brackets.
   */
  allowHosts: readonly string[] | HostAllowList;
  /** Default: `dns.promises.lookup(hostname, { all: true })`. */
  lookup?: HostLookup;
  /** How long the lookup may take before the name is taken as unresolved. Default 5 000. */
  lookupTimeoutMs?: number;
}

/**
 * Resolves when `url` may be a webhook endpoint: an absolute https URL (http only for an
 * allow-listed origin) of at most 2,048 characters, without credentials, whose host is, and
 * resolves only to, public addresses (unless allow-listed). A name that does not resolve now
 * passes: deliveries report it, and every connection is checked again when it is opened.
 */
export async function checkWebhookUrl(url: string, policy: WebhookUrlPolicy): Promise<void> {
  const allowList = allowListOf(policy.allowHosts);
  const parsed = parseWebhookUrl(url, allowList);
  if (allowList.allows(parsed.protocol, parsed.hostname, parsed.port)) return;
  const addresses = await resolvedAddresses(parsed.hostname, policy);
  if (addresses.some((address) => parseIpAddress(address) === null || isForbiddenAddress(address))) {
    throw new WebhookUrlError(
      'webhook_url_forbidden',
      `The webhook host ${parsed.hostname} is not allowed: it points to a private, loopback or reserved address. ${ALLOW_HINT}`,
    );
  }
}

/**
 * The checks that need no lookup: `url` parsed, or a WebhookUrlError. The sender runs them before
 * each attempt, as the allow-list may have changed since the endpoint was created.
 */
export function parseWebhookUrl(url: string, allowHosts: readonly string[] | HostAllowList): URL {
  const allowList = allowListOf(allowHosts);
  if (typeof url !== 'string' || url.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new WebhookUrlError('webhook_url_invalid', `The webhook URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlError('webhook_url_invalid', 'The webhook URL is not a valid absolute URL.');
  }
  if (parsed.username || parsed.password) {
    throw new WebhookUrlError('webhook_url_invalid', 'The webhook URL must not contain a user name or password.');
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:' && allowList.allows(parsed.protocol, parsed.hostname, parsed.port)) return parsed;
  throw new WebhookUrlError(
    'webhook_url_forbidden',
    `The webhook URL${parsed.host ? ` for ${parsed.host}` : ''} must use https. ${ALLOW_HINT}`,
  );
}

const ALLOW_HINT =
  "A receiver on the server's own network (a self-hosted n8n) is allowed once the operator lists its host:port in PASSMINT_WEBHOOK_HOSTS_ALLOW.";

function allowListOf(allowHosts: readonly string[] | HostAllowList): HostAllowList {
  return 'allows' in allowHosts ? allowHosts : parseHostAllowList(allowHosts);
}

/** The host's addresses: itself when it is an IP literal, none when the name does not resolve. */
async function resolvedAddresses(hostname: string, policy: WebhookUrlPolicy): Promise<string[]> {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (parseIpAddress(literal)) return [literal];
  try {
    const answers = await withTimeout((policy.lookup ?? lookupAll)(hostname), policy.lookupTimeoutMs ?? 5000);
    return Array.isArray(answers) ? answers.map((answer) => answer?.address) : [];
  } catch {
    return [];
  }
}
