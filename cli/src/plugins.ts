import type { PassmintPlugin } from '@passmint/server/plugin';
import { shopifyPlugin } from '@passmint/shopify-app/plugin';
import { wooCommercePlugin } from '@passmint/woocommerce/plugin';

/** What `passmint` mounts into the server; each stays unmounted until its variables are set. */
export const PLUGINS: readonly PassmintPlugin[] = [wooCommercePlugin, shopifyPlugin];
