import WooCommerceRestApi from '@woocommerce/woocommerce-rest-api';
import type { WooProductTerms } from './woo-order';

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

/** What Passmint asks of a WooCommerce store, through its REST API: the link writes, and products for ticket rules. */
export interface WooShop {
  writePassLink(orderId: string, pass: { serialNumber: string; shareUrl: string }, note: string): Promise<void>;
  /** A product's categories and tags; null when the store has no such product (deleted since the order). */
  fetchProduct(productId: string): Promise<WooProductTerms | null>;
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
    async fetchProduct(productId) {
      try {
        const response = await api.get(`products/${encodeURIComponent(productId)}`);
        return response.data as WooProductTerms;
      } catch (error) {
        if ((error as { response?: { status?: number } }).response?.status === 404) return null;
        throw error;
      }
    },
  };
}
