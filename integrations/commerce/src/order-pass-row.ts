import type { OrderPassRecord } from '@passmint/engine';

/** An order pass as SQL stores keep it (Passmint's own, and the standalone Shopify app's). */
export interface OrderPassRow {
  shop: string;
  order_id: string;
  tenant_id: string;
  serial_number: string;
  order_updated_at: string;
  customer_id: string | null;
  created_at: string;
  updated_at: string;
  linked_at: string | null;
}

export function orderPassFromRow(row: OrderPassRow): OrderPassRecord {
  return {
    shop: row.shop,
    orderId: row.order_id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    orderUpdatedAt: row.order_updated_at,
    customerId: row.customer_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    linkedAt: row.linked_at,
  };
}
