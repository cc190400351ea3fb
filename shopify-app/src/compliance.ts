import { CUSTOMER_FIELD_KEYS, type OrderPassRecord, type OrderStore, type PassWriter } from '@passmint/commerce';

type PassOfOrder = Pick<OrderPassRecord, 'orderId' | 'tenantId' | 'serialNumber'>;

export type ComplianceStore = Pick<OrderStore, 'listOrderPasses' | 'deleteOrderPasses' | 'listOrderTickets' | 'deleteOrderTickets'>;

interface CustomerRequest {
  customer?: { id?: number | string | null } | null;
  orders_requested?: (number | string)[];
  orders_to_redact?: (number | string)[];
}

/**
 * Shopify's mandatory privacy webhooks, against what Passmint holds about a shop's customers:
 * which orders have passes (with the customer id), and the passes themselves (the customer's name).
 * @see https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance
 */
export function createCompliance(deps: { store: ComplianceStore; passes: PassWriter }) {
  async function customerOrders(
    shop: string,
    request: CustomerRequest,
    orderList: (number | string)[] | undefined,
  ): Promise<OrderPassRecord[]> {
    const customerId = request.customer?.id != null ? String(request.customer.id) : null;
    const byCustomer = customerId ? await deps.store.listOrderPasses(shop, { customerId }) : [];
    const byOrder = orderList?.length ? await deps.store.listOrderPasses(shop, { orderIds: orderList.map(String) }) : [];
    const unique = new Map([...byCustomer, ...byOrder].map((record) => [record.orderId, record]));
    return [...unique.values()];
  }

  /** The event tickets of the same customer or orders: their holder field names the customer. */
  async function customerTickets(shop: string, request: CustomerRequest, orderList: (number | string)[] | undefined) {
    const customerId = request.customer?.id != null ? String(request.customer.id) : null;
    const byCustomer = customerId ? await deps.store.listOrderTickets(shop, { customerId }) : [];
    const byOrder = orderList?.length ? await deps.store.listOrderTickets(shop, { orderIds: orderList.map(String) }) : [];
    const unique = new Map([...byCustomer, ...byOrder].map((ticket) => [ticket.serialNumber, ticket]));
    return [...unique.values()];
  }

  async function redact(shop: string, records: readonly PassOfOrder[]): Promise<number> {
    for (const record of records) await deps.passes.redactPass(record.tenantId, record.serialNumber, CUSTOMER_FIELD_KEYS);
    const orderIds = [...new Set(records.map((record) => record.orderId))];
    await deps.store.deleteOrderPasses(shop, orderIds);
    await deps.store.deleteOrderTickets(shop, orderIds);
    return records.length;
  }

  return {
    /** customers/data_request: everything held about the customer, for the shop to hand over. */
    async dataRequest(shop: string, request: CustomerRequest) {
      const records = await customerOrders(shop, request, request.orders_requested);
      return {
        shop,
        customerId: request.customer?.id != null ? String(request.customer.id) : null,
        passes: [...records, ...(await customerTickets(shop, request, request.orders_requested))].map((record) => ({
          orderId: record.orderId,
          serialNumber: record.serialNumber,
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
        })),
      };
    },

    /** customers/redact: the customer's name leaves their passes, the passes are voided, the order links go. */
    async redactCustomer(shop: string, request: CustomerRequest): Promise<{ redacted: number }> {
      const records = await customerOrders(shop, request, request.orders_to_redact);
      const tickets = await customerTickets(shop, request, request.orders_to_redact);
      return { redacted: await redact(shop, [...records, ...tickets]) };
    },

    /** shop/redact, 48 hours after uninstall: every pass of the shop is redacted and voided, every link goes. */
    async redactShop(shop: string): Promise<{ redacted: number }> {
      const records = [...(await deps.store.listOrderPasses(shop)), ...(await deps.store.listOrderTickets(shop))];
      return { redacted: await redact(shop, records) };
    },
  };
}
