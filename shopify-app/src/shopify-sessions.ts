import type { Session, Shopify } from '@shopify/shopify-api';

/**
 * Admin API sessions for the shop. A custom app gets its token through the client-credentials
 * grant (kept until shortly before it expires); a public app's token comes from the OAuth install
 * and is kept once stored.
 */
export function createSessionSource(shopify: Shopify, shop: string) {
  let installed: Session | null = null;
  let granted: Session | null = null;
  const fresh = (session: Session | null) => session && (!session.expires || session.expires.getTime() - Date.now() > 60_000);

  return {
    async session(): Promise<Session> {
      if (installed && fresh(installed)) return installed;
      if (granted && fresh(granted)) return granted;
      granted = (await shopify.auth.clientCredentials({ shop })).session;
      return granted;
    },
    /** The session the OAuth install produced. */
    installed(session: Session): void {
      installed = session;
    },
    forget(): void {
      installed = null;
      granted = null;
    },
  };
}

export type SessionSource = ReturnType<typeof createSessionSource>;
