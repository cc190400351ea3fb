/** One step of the order store's schema (the server records them per plugin in `plugin_migrations`). */
export interface OrderStoreMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The order store's tables. Releases before the plugins made these same tables in the server's
 * own migrations (versions 7 and 8 there), with foreign keys to tenants and passes; every
 * statement here is IF NOT EXISTS, so such a database keeps its tables, rows and keys as they
 * are. New tables have no keys into the server's: they belong to the plugin (and the standalone
 * Shopify app has no passes table at all), and tenants and passes are never deleted.
 */
export const ORDER_STORE_MIGRATIONS: {
  /** What a host records the steps under: the Shopify and WooCommerce plugins share the tables. */
  name: string;
  sqlite: readonly OrderStoreMigration[];
  postgres: readonly OrderStoreMigration[];
} = {
  name: 'commerce-orders',
  sqlite: [
    {
      version: 1,
      name: 'order passes, webhook deliveries, shop sessions',
      sql: `
        CREATE TABLE IF NOT EXISTS order_passes (
          shop TEXT NOT NULL,
          order_id TEXT NOT NULL,
          tenant_id TEXT NOT NULL,
          serial_number TEXT NOT NULL,
          order_updated_at TEXT NOT NULL,
          customer_id TEXT,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          linked_at TEXT,
          PRIMARY KEY (shop, order_id)
        );
        CREATE INDEX IF NOT EXISTS order_passes_customer ON order_passes (shop, customer_id);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
          source TEXT NOT NULL,
          id TEXT NOT NULL,
          received_at TEXT NOT NULL,
          PRIMARY KEY (source, id)
        );
        CREATE INDEX IF NOT EXISTS webhook_deliveries_received ON webhook_deliveries (received_at);
        CREATE TABLE IF NOT EXISTS shop_sessions (
          shop TEXT NOT NULL PRIMARY KEY,
          session TEXT NOT NULL,
          updated_at TEXT NOT NULL
        );
      `,
    },
    {
      version: 2,
      name: 'order tickets',
      sql: `
        CREATE TABLE IF NOT EXISTS order_tickets (
          shop TEXT NOT NULL,
          order_id TEXT NOT NULL,
          line_item_id TEXT NOT NULL,
          unit INTEGER NOT NULL,
          event_name TEXT NOT NULL,
          tenant_id TEXT NOT NULL,
          serial_number TEXT NOT NULL,
          customer_id TEXT,
          order_updated_at TEXT NOT NULL,
          voided INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          linked_at TEXT,
          PRIMARY KEY (shop, order_id, line_item_id, unit)
        );
        CREATE INDEX IF NOT EXISTS order_tickets_customer ON order_tickets (shop, customer_id);
      `,
    },
  ],
  // Text is COLLATE "C", as in the server's tables: ORDER BY goes by bytes, as SQLite's does.
  postgres: [
    {
      version: 1,
      name: 'order passes, webhook deliveries, shop sessions',
      sql: `
        CREATE TABLE IF NOT EXISTS order_passes (
          shop text COLLATE "C" NOT NULL,
          order_id text COLLATE "C" NOT NULL,
          tenant_id text COLLATE "C" NOT NULL,
          serial_number text COLLATE "C" NOT NULL,
          order_updated_at text COLLATE "C" NOT NULL,
          customer_id text COLLATE "C",
          created_at text COLLATE "C" NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          linked_at text COLLATE "C",
          PRIMARY KEY (shop, order_id)
        );
        CREATE INDEX IF NOT EXISTS order_passes_customer ON order_passes (shop, customer_id);
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
          source text COLLATE "C" NOT NULL,
          id text COLLATE "C" NOT NULL,
          received_at text COLLATE "C" NOT NULL,
          PRIMARY KEY (source, id)
        );
        CREATE INDEX IF NOT EXISTS webhook_deliveries_received ON webhook_deliveries (received_at);
        CREATE TABLE IF NOT EXISTS shop_sessions (
          shop text COLLATE "C" NOT NULL PRIMARY KEY,
          session text COLLATE "C" NOT NULL,
          updated_at text COLLATE "C" NOT NULL
        );
      `,
    },
    {
      version: 2,
      name: 'order tickets',
      sql: `
        CREATE TABLE IF NOT EXISTS order_tickets (
          shop text COLLATE "C" NOT NULL,
          order_id text COLLATE "C" NOT NULL,
          line_item_id text COLLATE "C" NOT NULL,
          unit integer NOT NULL,
          event_name text COLLATE "C" NOT NULL,
          tenant_id text COLLATE "C" NOT NULL,
          serial_number text COLLATE "C" NOT NULL,
          customer_id text COLLATE "C",
          order_updated_at text COLLATE "C" NOT NULL,
          voided boolean NOT NULL DEFAULT false,
          created_at text COLLATE "C" NOT NULL,
          updated_at text COLLATE "C" NOT NULL,
          linked_at text COLLATE "C",
          PRIMARY KEY (shop, order_id, line_item_id, unit)
        );
        CREATE INDEX IF NOT EXISTS order_tickets_customer ON order_tickets (shop, customer_id);
      `,
    },
  ],
};
