import type Database from 'better-sqlite3';
import type { Pool } from 'pg';
import type { FastifyInstance } from 'fastify';
import type { PassInput, SecretBox, TenantRecord } from '@passmint/engine';
import type { z } from 'zod';

/** One step of a plugin's schema; versions count per plugin and are recorded in `plugin_migrations`. */
export interface PluginMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The database the server runs on, as a plugin reaches it: its own connection to the same SQLite
 * file, or a pool on the same PostgreSQL database and schema.
 */
export type PluginDatabase = { kind: 'sqlite'; db: Database.Database } | { kind: 'postgres'; pool: Pool };

/** A column holding a secret, sealed with the host's secret box under `<table>.<column>:<row key>`. */
export interface PluginSecretColumn {
  table: string;
  column: string;
  /** The column that names the row (the sealed value's context). */
  key: string;
}

/** The pass engine as a plugin uses it: the same issue and update paths as the HTTP API. */
export interface HostPassWriter {
  createPass(tenantId: string, body: PassInput, idempotencyKey: string): Promise<{ serialNumber: string; shareUrl: string }>;
  updatePass(tenantId: string, serialNumber: string, body: PassInput): Promise<{ unchanged: boolean; notifiedDevices: number }>;
  shareUrl(serialNumber: string): string;
  /** Voids a pass (an event ticket the order no longer has); voiding a voided pass changes nothing. */
  voidPass(tenantId: string, serialNumber: string): Promise<void>;
  /**
   * The links behind a pass's two wallet buttons, for pages that list several passes (an order and
   * its tickets): the public .pkpass download, and the Google save link (null without Google).
   */
  walletLinks(tenantId: string, serialNumber: string): Promise<{ applePassUrl: string; googleSaveUrl: string | null }>;
  /** Removes the fields with these keys from the stored pass and voids it (privacy requests). */
  redactPass(tenantId: string, serialNumber: string, fieldKeys: readonly string[]): Promise<void>;
}

/** What the server hands a plugin when it registers. */
export interface PluginHost<Env = unknown> {
  /** The plugin's own variables, parsed by its `env` schema. */
  env: Env;
  passes: HostPassWriter;
  database: PluginDatabase;
  /** Known once the server listens. */
  publicUrl(): string;
  log(event: Record<string, unknown> & { event: string }): void;
  tenants: {
    findTenant(idOrName: string): Promise<TenantRecord | null>;
    listTenants(): Promise<TenantRecord[]>;
  };
  /** Seals and opens the plugin's secret columns (the server's master key). */
  secrets: SecretBox;
}

/** A plugin that registered: what it adds to the start-up report. */
export interface PluginMount {
  reportLines?(publicUrl: string): string[];
}

/**
 * A face mounted into `passmint serve` by the composition root: its variables, its tables and
 * its routes. The server applies its migrations after its own, seals its secret columns with the
 * rest, and lists its variables' problems with the server's in one ConfigError.
 */
export interface PassmintPlugin<Env = unknown> {
  name: string;
  /** Its PASSMINT_* variables; each `.meta({ description })` is a row of docs/configuration.md. */
  env: z.ZodType<Env>;
  /** Problems the schema cannot see alone (variables that go together). */
  envProblems?(source: NodeJS.ProcessEnv): string[];
  /**
   * Its tables. Steps are recorded under `name` (the plugin's name when absent): plugins sharing
   * tables give the same name and the steps run once.
   */
  migrations: { name?: string; sqlite: readonly PluginMigration[]; postgres: readonly PluginMigration[] };
  secretColumns?: readonly PluginSecretColumn[];
  /** Mounts its routes, or returns null when its variables are not set. */
  register(app: FastifyInstance, host: PluginHost<Env>): Promise<PluginMount | null>;
}

/** Keeps `Env` checked inside the plugin while it travels in a `PassmintPlugin[]`. */
export function definePlugin<Env>(plugin: PassmintPlugin<Env>): PassmintPlugin {
  return plugin as unknown as PassmintPlugin;
}
