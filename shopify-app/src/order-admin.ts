import { LinkRefusedError } from '@passmint/commerce';
import type { Shopify } from '@shopify/shopify-api';
import { ORDER_PRODUCTS_QUERY, ORDER_QUERY, type ShopifyLineItemProducts, type ShopifyOrderNode } from './shopify-order';
import type { SessionSource } from './shopify-sessions';

export const PASS_METAFIELD_NAMESPACE = 'passmint';

const METAFIELDS_SET = `mutation PassmintLink($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { key value } userErrors { field message code } }
}`;

/**
 * Shopify answered a write with `userErrors`: it judged the input (an order that is not in the
 * shop, as in a test notification), so the same write would be refused again.
 */
export class ShopifyAdminError extends LinkRefusedError {}

/** The two Admin GraphQL calls the app makes: read an order, and put the pass's link on it. */
export function createOrderAdmin(shopify: Shopify, sessions: SessionSource) {
  const client = async () => new shopify.clients.Graphql({ session: await sessions.session() });

  return {
    async fetchOrder(orderId: string): Promise<ShopifyOrderNode | null> {
      const response = await (
        await client()
      ).request<{ order: ShopifyOrderNode | null }>(ORDER_QUERY, { variables: { id: orderGid(orderId) } });
      return response.data?.order ?? null;
    },

    /** The products of the order's line items (for ticket rules); null when the shop has no such order. */
    async fetchLineItemProducts(orderId: string): Promise<ShopifyLineItemProducts | null> {
      const response = await (
        await client()
      ).request<{ order: ShopifyLineItemProducts | null }>(ORDER_PRODUCTS_QUERY, { variables: { id: orderGid(orderId) } });
      return response.data?.order ?? null;
    },

    /** Order metafields passmint.serial and passmint.pass_url, for later notification templates. */
    async writePassLink(orderId: string, pass: { serialNumber: string; shareUrl: string }): Promise<void> {
      const ownerId = orderGid(orderId);
      const response = await (
        await client()
      ).request<{ metafieldsSet: { userErrors: { field: string[]; message: string }[] } }>(METAFIELDS_SET, {
        variables: {
          metafields: [
            { ownerId, namespace: PASS_METAFIELD_NAMESPACE, key: 'serial', type: 'single_line_text_field', value: pass.serialNumber },
            { ownerId, namespace: PASS_METAFIELD_NAMESPACE, key: 'pass_url', type: 'url', value: pass.shareUrl },
          ],
        },
      });
      const errors = response.data?.metafieldsSet.userErrors ?? [];
      if (errors.length > 0) {
        throw new ShopifyAdminError(
          'metafields_rejected',
          `Shopify refused the order metafields: ${errors.map((error) => `${error.field.join('.')}: ${error.message}`).join('; ')}`,
        );
      }
    },
  };
}

export type OrderAdmin = ReturnType<typeof createOrderAdmin>;

export function orderGid(orderId: string): string {
  return `gid://shopify/Order/${orderId}`;
}
