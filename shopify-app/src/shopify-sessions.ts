import { Session, type Shopify } from '@shopify/shopify-api';
import type { OrderStore } from '@passmint/commerce';

export type SessionStore = Pick<OrderStore, 'saveShopSession' | 'findShopSession' | 'deleteShopSession'>;

/**
 * Admin API sessions for the shop. A public app's token comes from the OAuth install and is kept
 * in the store, so it survives restarts; a custom app gets its token through the client-credentials
 * grant, kept in memory until shortly before it expires.
 */
export function createSessionSource(shopify: Shopify, shop: string, store: SessionStore) {
  let installed: Session | null | undefined;
  let granted: Session | null = null;
  const fresh = (session: Session | null | undefined): session is Session =>
    !!session && (!session.expires || session.expires.getTime() - Date.now() > 60_000);

  async function installedSession(): Promise<Session | null> {
    if (installed === undefined) {
      const saved = await store.findShopSession(shop);
      installed = saved ? Session.fromPropertyArray(JSON.parse(saved) as [string, string | number | boolean][], true) : null;
    }
    return installed;
  }

  return {
    async session(): Promise<Session> {
      const kept = await installedSession();
      if (fresh(kept)) return kept;
      if (fresh(granted)) return granted;
      granted = (await shopify.auth.clientCredentials({ shop })).session;
      return granted;
    },
    /** The session the OAuth install produced. */
    async installed(session: Session): Promise<void> {
      await store.saveShopSession(shop, JSON.stringify(session.toPropertyArray(true)), new Date().toISOString());
      installed = session;
    },
    /** shop/redact: the shop's tokens go with its data. */
    async forget(): Promise<void> {
      await store.deleteShopSession(shop);
      installed = null;
      granted = null;
    },
  };
}

export type SessionSource = ReturnType<typeof createSessionSource>;
