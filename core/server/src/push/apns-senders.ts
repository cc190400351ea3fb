import type { SigningIdentity, TenantRecord } from '@passmint/engine';
import type { Store } from '../store/store-port';
import type { ApnsClient } from '../apns/apns-client';
import { createThreadedApnsClient } from '../apns/apns-thread-client';
import type { PushSender } from './push-worker';

export interface ApnsSendersConfig {
  store: Store;
  baseUrl: string;
  requestTimeoutMs: number;
  instanceIdentity: SigningIdentity;
  identityFor(tenant: TenantRecord): SigningIdentity;
  /** Token auth (.p8) for the instance's passes; tenants with their own certificate push with it. */
  tokenAuth?: { signingKeyPem: string; keyId: string; teamId: string };
}

/**
 * One APNs client (one HTTP/2 connection, all on the process's APNs thread) per identity that
 * signs passes: a pass's pushes go out with the certificate that signed it, since its topic is that
 * certificate's pass type id.
 */
export function createApnsSenders(config: ApnsSendersConfig) {
  const clients = new Map<string, ApnsClient>();

  function clientFor(identity: SigningIdentity): { key: string; sender: PushSender } {
    const useToken = config.tokenAuth !== undefined && identity === config.instanceIdentity;
    const key = useToken
      ? `token:${config.tokenAuth?.teamId}:${config.tokenAuth?.keyId}`
      : `certificate:${identity.passTypeIdentifier}:${identity.certificate.fingerprint256}`;
    let client = clients.get(key);
    if (!client) {
      client = createThreadedApnsClient({
        baseUrl: config.baseUrl,
        requestTimeoutMs: config.requestTimeoutMs,
        auth:
          useToken && config.tokenAuth
            ? { kind: 'token', ...config.tokenAuth }
            : {
                kind: 'certificate',
                certificatePem: identity.certificate.toString(),
                privateKeyPem: identity.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
              },
      });
      clients.set(key, client);
    }
    return { key, sender: client };
  }

  return {
    async senderFor(tenantId: string): Promise<{ key: string; sender: PushSender }> {
      const tenant = await config.store.findTenant(tenantId);
      return clientFor(tenant ? config.identityFor(tenant) : config.instanceIdentity);
    },
    async close(): Promise<void> {
      await Promise.all([...clients.values()].map((client) => client.close()));
      clients.clear();
    },
  };
}
