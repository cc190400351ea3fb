import type { OrderStore } from './order-store/order-store';
import type { PassWriter } from './order-sync';

/** One pass on an order's wallet page. */
export interface OrderWalletEntry {
  kind: 'order' | 'ticket';
  serialNumber: string;
  /** The ticket's event and its place in its line item (1-based), for the page's caption. */
  eventName?: string;
  ticketNumber?: number;
  voided: boolean;
  sharePageUrl: string;
  applePassUrl: string;
  googleSaveUrl: string | null;
}

export interface OrderWallet {
  shopName: string;
  orderNumber: string;
  entries: OrderWalletEntry[];
}

/**
 * Every pass of an order, in the order the customer expects them: the order pass first (when the
 * order has one), then the tickets by line item and unit, each with its wallet links.
 */
export async function orderWalletEntries(
  deps: { store: Pick<OrderStore, 'findOrderPass' | 'listOrderTickets'>; passes: Pick<PassWriter, 'shareUrl' | 'walletLinks'> },
  shop: string,
  orderId: string,
): Promise<OrderWalletEntry[]> {
  const orderPass = await deps.store.findOrderPass(shop, orderId);
  const tickets = await deps.store.listOrderTickets(shop, { orderIds: [orderId] });
  const passes = [
    ...(orderPass ? [{ kind: 'order' as const, tenantId: orderPass.tenantId, serialNumber: orderPass.serialNumber, voided: false }] : []),
    ...tickets.map((ticket) => ({
      kind: 'ticket' as const,
      tenantId: ticket.tenantId,
      serialNumber: ticket.serialNumber,
      eventName: ticket.eventName,
      ticketNumber: ticket.unit + 1,
      voided: ticket.voided,
    })),
  ];
  return Promise.all(
    passes.map(async ({ tenantId, ...pass }) => ({
      ...pass,
      sharePageUrl: deps.passes.shareUrl(pass.serialNumber),
      ...(await deps.passes.walletLinks(tenantId, pass.serialNumber)),
    })),
  );
}

/**
 * The page behind an order's wallet link when the order has tickets: each pass with its own "Add
 * to Apple Wallet" and "Save to Google Wallet" buttons. Plain HTML with no script and no outside
 * resources (served with a strict Content-Security-Policy); every value is escaped.
 * @see https://developer.apple.com/wallet/add-to-apple-wallet-guidelines/
 * @see https://developers.google.com/wallet/generic/resources/brand-guidelines
 */
export function renderOrderWalletPage(wallet: OrderWallet): string {
  const title = `${wallet.shopName} order ${wallet.orderNumber}`;
  const items = wallet.entries.map(entryHtml).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>Add each pass to your wallet. Tickets are scanned at the door, one per person.</p>
<ul class="passes">
${items}
</ul>
</main>
</body>
</html>
`;
}

function entryHtml(entry: OrderWalletEntry): string {
  const caption =
    entry.kind === 'order' ? 'Your order' : [entry.eventName, `ticket ${entry.ticketNumber ?? ''}`.trim()].filter(Boolean).join(', ');
  const data = `data-kind="${entry.kind}" data-serial="${escapeHtml(entry.serialNumber)}"`;
  if (entry.voided) return `<li ${data}><h2>${escapeHtml(caption)}</h2><p role="status">This ticket is no longer valid.</p></li>`;
  const google = entry.googleSaveUrl
    ? `<a href="${escapeHtml(entry.googleSaveUrl)}" data-action="google" rel="noopener">Save to Google Wallet</a>`
    : '';
  return `<li ${data}><h2>${escapeHtml(caption)}</h2><p>
<a href="${escapeHtml(entry.applePassUrl)}" data-action="apple">Add to Apple Wallet</a>
${google}
<a href="${escapeHtml(entry.sharePageUrl)}" data-action="page">Show pass</a>
</p></li>`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);
}

/** The headers the page goes out with: no scripts, no styles from elsewhere, never framed or cached. */
export const ORDER_WALLET_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
