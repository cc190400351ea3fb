import { rmSync } from 'node:fs';
import { spawnServer, tempDataDir } from './testing';
import { SHOPIFY_ENV, WOOCOMMERCE_ENV } from './test-support/shop-env';

test('passmint serve mounts the shops it is configured with and says so in the start-up report', async () => {
  const dataDir = tempDataDir();
  const server = await spawnServer({
    PASSMINT_DATA_DIR: dataDir,
    ...WOOCOMMERCE_ENV,
    ...SHOPIFY_ENV,
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
