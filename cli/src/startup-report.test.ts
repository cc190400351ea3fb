import { rmSync } from 'node:fs';
import { spawnServer, tempDataDir } from './testing';

test('passmint serve mounts the shops it is configured with and says so in the start-up report', async () => {
  const dataDir = tempDataDir();
  const server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    PASSMINT_WOOCOMMERCE_URL: 'https://shop.example.com',
    PASSMINT_WOOCOMMERCE_CONSUMER_KEY: `ck_${'a'.repeat(40)}`,
    PASSMINT_WOOCOMMERCE_CONSUMER_SECRET: `cs_${'b'.repeat(40)}`,
    PASSMINT_WOOCOMMERCE_WEBHOOK_SECRET: 'webhook-secret',
    PASSMINT_SHOPIFY_SHOP: 'bayroast.myshopify.com',
    PASSMINT_SHOPIFY_API_KEY: 'client-id',
    PASSMINT_SHOPIFY_API_SECRET: 'client-secret',
    PASSMINT_SHOPIFY_LINK_SECRET: 'link-secret-0123456789',
  });
  try {
    const url = server.url;
    expect(server.stderr()).toContain(
      `  WooCommerce:    https://shop.example.com; webhooks (order created, order updated) to ${url}/commerce/woocommerce/webhook; passes for tenant "Passmint"\n` +
        `  Shopify:        bayroast.myshopify.com; webhooks to ${url}/commerce/shopify/webhooks, wallet links at ${url}/commerce/shopify/wallet/…; passes for tenant "Passmint"\n`,
    );
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
