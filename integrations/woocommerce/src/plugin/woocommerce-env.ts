import { z } from 'zod';
import { togetherProblems } from '@passmint/server/plugin';

/**
 * The variables that connect a WooCommerce store to `passmint serve`. Each description is a row
 * of docs/configuration.md (Markdown, links relative to docs/).
 */
export const wooCommerceEnvSchema = z.object({
  PASSMINT_WOOCOMMERCE_URL: z
    .url({ protocol: /^https?$/, error: "must be the store's http(s) site URL" })
    .optional()
    .meta({
      description:
        "the store's site URL, e.g. `https://shop.example.com`; with the next three (all four together) connects a WooCommerce store: see [its README](../integrations/woocommerce/README.md)",
    }),
  PASSMINT_WOOCOMMERCE_CONSUMER_KEY: z
    .string()
    .regex(/^ck_[0-9a-f]{40}$/, 'must be a WooCommerce REST key (ck_ and 40 hex digits)')
    .optional()
    .meta({ description: "the store's REST API consumer key (`ck_…`)" }),
  PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: z
    .string()
    .regex(/^cs_[0-9a-f]{40}$/, 'must be a WooCommerce REST secret (cs_ and 40 hex digits)')
    .optional()
    .meta({ description: "the store's REST API consumer secret (`cs_…`)" }),
  PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: z
    .string()
    .min(8, 'must be the webhook secret set in WooCommerce (8 characters or more)')
    .optional()
    .meta({ description: "a random string of your choosing (8 characters or more); the store's webhooks get the same" }),
  PASSMINT_WOOCOMMERCE_TENANT: z.string().min(1).optional().meta({
    description: 'the tenant whose passes the store makes, by name or id; the start-up report names it',
    defaultText: 'the first tenant',
  }),
  PASSMINT_WOOCOMMERCE_TEMPLATE: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "optional JSON file: how the passes look (the Shopify app's template)" }),
});

export type WooCommerceEnv = z.infer<typeof wooCommerceEnvSchema>;

const WOOCOMMERCE_REQUIRED = [
  'PASSMINT_WOOCOMMERCE_URL',
  'PASSMINT_WOOCOMMERCE_CONSUMER_KEY',
  'PASSMINT_WOOCOMMERCE_CONSUMER_SECRET',
  'PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET',
] as const;

/** All four connect a store; some of them is a mistake worth stopping for. */
export function wooCommerceEnvProblems(source: NodeJS.ProcessEnv): string[] {
  return togetherProblems(source, WOOCOMMERCE_REQUIRED, 'connect a WooCommerce store');
}
