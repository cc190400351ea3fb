import { z } from 'zod';
import { togetherProblems } from '@passmint/server/plugin';

/**
 * The variables that connect a Shopify shop to `passmint serve`. Each description is a row of
 * docs/configuration.md (Markdown, links relative to docs/).
 */
export const shopifyEnvSchema = z.object({
  PASSMINT_SHOPIFY_SHOP: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]*(:\d{1,5})?$/i, 'must be the shop domain, e.g. bayroast.myshopify.com')
    .optional()
    .meta({
      description:
        "the shop's domain, `your-shop.myshopify.com`; with the next three (all four together) connects a Shopify shop: see [its README](../shopify-app/README.md)",
    }),
  PASSMINT_SHOPIFY_API_KEY: z.string().min(1).optional().meta({ description: "the app's client ID" }),
  PASSMINT_SHOPIFY_API_SECRET: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "the app's client secret (verifies webhooks, gets Admin API tokens)" }),
  PASSMINT_SHOPIFY_LINK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters (it signs the wallet links in order emails)')
    .optional()
    .meta({ description: 'a random string of 16+ characters; signs the wallet links in emails' }),
  PASSMINT_SHOPIFY_TENANT: z.string().min(1).optional().meta({
    description: 'the tenant whose passes the shop makes, by name or id; the start-up report names it',
    defaultText: 'the first tenant',
  }),
  PASSMINT_SHOPIFY_TEMPLATE: z.string().min(1).optional().meta({ description: 'optional JSON file: how the passes look' }),
  PASSMINT_SHOPIFY_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}$/, 'must be an Admin API version like 2026-07')
    .optional()
    .meta({ description: 'the Admin API version', defaultText: '`2026-07`' }),
});

export type ShopifyEnv = z.infer<typeof shopifyEnvSchema>;

const SHOPIFY_REQUIRED = [
  'PASSMINT_SHOPIFY_SHOP',
  'PASSMINT_SHOPIFY_API_KEY',
  'PASSMINT_SHOPIFY_API_SECRET',
  'PASSMINT_SHOPIFY_LINK_SECRET',
] as const;

/** All four connect a shop; some of them is a mistake worth stopping for. */
export function shopifyEnvProblems(source: NodeJS.ProcessEnv): string[] {
  return togetherProblems(source, SHOPIFY_REQUIRED, 'connect a Shopify shop');
}
