import '@shopify/shopify-api/adapters/node';
import { ApiVersion, LogSeverity, shopifyApi, type Shopify } from '@shopify/shopify-api';

export interface ShopifyAppConfig {
  apiKey: string;
  apiSecretKey: string;
  /** The shop this app serves, e.g. bayroast.myshopify.com */
  shop: string;
  /** Where this app is reached from the internet, e.g. https://passes.example.com */
  appUrl: string;
  /** Signs the "Add to Wallet" links in order emails; set the same value in the email's Liquid. */
  linkSecret: string;
  apiVersion?: ApiVersion;
  scopes?: string[];
}

export const DEFAULT_SCOPES = ['read_orders', 'write_orders'];
/** What a shop template with ticket rules needs as well: line item products (type and tags). */
export const TICKET_SCOPES = ['read_products'];

/** The scopes the app asks for: read_products only when ticket rules need product data. */
export function appScopes(withTickets: boolean): string[] {
  return withTickets ? [...DEFAULT_SCOPES, ...TICKET_SCOPES] : DEFAULT_SCOPES;
}
/** The Admin API version this release is written and tested against. */
export const DEFAULT_API_VERSION = ApiVersion.July26;

/**
 * The library, configured for one shop. The shop is also registered as a domain of its own, which
 * lets a shop name that is not a *.myshopify.com host (a self-hosted Shopify-compatible admin, or
 * a local stand-in) pass the library's shop check; for a myshopify domain it changes nothing.
 */
export function createShopifyApi(config: ShopifyAppConfig): Shopify {
  const appUrl = new URL(config.appUrl);
  return shopifyApi({
    apiKey: config.apiKey,
    apiSecretKey: config.apiSecretKey,
    apiVersion: config.apiVersion ?? DEFAULT_API_VERSION,
    scopes: config.scopes ?? DEFAULT_SCOPES,
    hostName: appUrl.host,
    hostScheme: appUrl.protocol === 'http:' ? 'http' : 'https',
    isEmbeddedApp: false,
    logger: { level: LogSeverity.Error, log: async () => undefined },
    domainTransformations: [{ match: exactDomainPattern(config.shop), transform: config.shop }],
  });
}

/**
 * The library reads which domains a pattern allows from the pattern's source text, and only
 * understands escaped dots and word characters there, so a port's colon is written as \x3a.
 */
function exactDomainPattern(shop: string): RegExp {
  const escaped = shop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:/g, '\\x3a');
  return new RegExp(`^${escaped}$`);
}

export { ApiVersion };
