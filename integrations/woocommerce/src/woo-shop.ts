import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';

export interface WooShopConfig {
  /** The store's site URL, e.g. https://shop.example.com */
  url: string;
  consumerKey: string;
  consumerSecret: string;
  timeoutMs?: number;
}

/** What Passmint writes to an order: where its pass is. */
export const PASS_SERIAL_META = '_passmint_serial';
export const PASS_URL_META = '_passmint_pass_url';

/** The two writes Passmint makes to a WooCommerce store, through its REST API. */
export interface WooShop {
  writePassLink(orderId: string, pass: { serialNumber: string; shareUrl: string }, note: string): Promise<void>;
}

export function createWooShop(config: WooShopConfig): WooShop {
  const api = new WooCommerceRestApi({
    url: config.url,
    consumerKey: config.consumerKey,
    consumerSecret: config.consumerSecret,
    version: 'wc/v3',
    timeout: config.timeoutMs ?? 10_000,
  });
  return {
    async writePassLink(orderId, pass, note) {
      await api.put(`orders/${encodeURIComponent(orderId)}`, {
        meta_data: [
          { key: PASS_SERIAL_META, value: pass.serialNumber },
          { key: PASS_URL_META, value: pass.shareUrl },
        ],
      });
      // A customer note is emailed to the customer by WooCommerce itself.
      await api.post(`orders/${encodeURIComponent(orderId)}/notes`, { note, customer_note: true });
    },
  };
}
