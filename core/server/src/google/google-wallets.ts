import type { TenantRecord } from '@passmint/engine';
import { createAccessTokens } from './access-tokens';
import type { GoogleRootKey } from './callback-signature';
import { createGoogleWallet, type GoogleWallet } from './google-wallet';
import type { ImageHash } from './image-urls';
import type { ServiceAccount } from './service-account';
import { createWalletApi } from './wallet-api';

const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';

export interface GoogleEndpoints {
  apiUrl: string;
  /** Overrides every service account's token_uri (tests). */
  tokenUrl?: string;
  origins: () => string[];
  publicUrl: () => string;
  imageHash: ImageHash;
  callbackKeys(): Promise<GoogleRootKey[]>;
}

/**
 * Google Wallet per tenant: a tenant's own issuer and service account when it brought them, else
 * the instance's (when configured), else none. Each is made once and remade when the tenant changes.
 */
export function createGoogleWallets(endpoints: GoogleEndpoints, instance: { issuerId: string; account: ServiceAccount } | null) {
  const make = (issuerId: string, account: ServiceAccount): GoogleWallet =>
    createGoogleWallet({
      issuerId,
      account,
      api: createWalletApi({
        baseUrl: endpoints.apiUrl,
        tokens: createAccessTokens(account, endpoints.tokenUrl ? { tokenUrl: endpoints.tokenUrl } : {}),
      }),
      origins: endpoints.origins,
      publicUrl: endpoints.publicUrl,
      imageHash: (source) => endpoints.imageHash(source),
      callbackKeys: () => endpoints.callbackKeys(),
    });
  const instanceWallet = instance ? make(instance.issuerId, instance.account) : null;
  const byTenant = new Map<string, { updatedAt: string; wallet: GoogleWallet }>();

  return {
    instance: instanceWallet,
    forTenant(tenant: TenantRecord): GoogleWallet | null {
      const own = tenant.googleIdentity;
      if (!own) return instanceWallet;
      const cached = byTenant.get(tenant.id);
      if (cached && cached.updatedAt === tenant.updatedAt) return cached.wallet;
      const account = {
        clientEmail: own.serviceAccount.client_email,
        privateKeyPem: own.serviceAccount.private_key,
        tokenUri: own.serviceAccount.token_uri ?? GOOGLE_TOKEN_URI,
      };
      const wallet = make(own.issuerId, account);
      byTenant.set(tenant.id, { updatedAt: tenant.updatedAt, wallet });
      return wallet;
    },
  };
}

export type GoogleWallets = ReturnType<typeof createGoogleWallets>;
