import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { readEnv } from '../env';
import { startServer, type RunningServer } from '../serve/start-server';
import type { PassmintPlugin } from '../plugin/plugin';
import { trackOpenResource } from './open-resources';

const KEY_LINE = /^\s+(pm_live_[A-Za-z0-9_-]+)\s*$/m;
const LISTENING = /listening on (http:\/\/\S+)/;
/**
 * The server's commands without plugins (dist/cli.js, from src/testing and dist/testing alike):
 * the server's own tests. The `passmint` binary, with the Shopify and WooCommerce plugins, is
 * @passmint/cli's.
 */
export const PASSMINT_BIN = resolve(__dirname, '../../dist/cli.js');

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'passmint-server-'));
}

export interface InProcessServer {
  url: string;
  key: string;
  dataDir: string;
  server: RunningServer;
  logLines(): string[];
  close(): Promise<void>;
}

/** The real server in this process, on an ephemeral loopback port, with a fresh data dir. */
export async function startInProcess(
  env: Record<string, string> = {},
  options: { plugins?: readonly PassmintPlugin[] } = {},
): Promise<InProcessServer> {
  const dataDir = env.PASSMINT_DATA_DIR ?? tempDataDir();
  let report = '';
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const source = { PASSMINT_DATA_DIR: dataDir, PASSMINT_PORT: '0', ...env };
  const plugins = options.plugins ?? [];
  const server = await startServer(readEnv(source, plugins), {
    report: { write: (text: string) => (report += text) },
    log,
    plugins,
    source,
  });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= server.close().finally(() => {
      untrack();
      if (!env.PASSMINT_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    }));
  const untrack = trackOpenResource({ name: `the in-process server at ${server.url}`, close });
  return {
    url: server.url,
    key: KEY_LINE.exec(report)?.[1] ?? '',
    dataDir,
    server,
    logLines: () => lines,
    close,
  };
}

export interface SpawnedServer {
  url: string;
  /** The key printed at first start; empty when the data dir already had a tenant. */
  key: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Sends `signal` (SIGTERM by default) and resolves with the exit code (null when a signal ended
   * it) once the process is gone and its output closed. A process still running `graceMs` later
   * (default 30 s) is killed with SIGKILL, so a shutdown that hangs fails the test instead of Jest.
   */
  stop(signal?: NodeJS.Signals, options?: { graceMs?: number }): Promise<number | null>;
}

export interface SpawnOptions {
  /** Drops the request log unread (benchmarks: collecting it would load the measuring process). */
  discardLog?: boolean;
  /** How long the process may take to print its address before it is killed; default 60 s. */
  readyTimeoutMs?: number;
  /** The command to run `serve` with; PASSMINT_BIN (the server without plugins) by default. */
  bin?: string;
  /** Options for node itself, before the command (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

/**
 * Generous on purpose: a start takes about a second on an idle machine, but tests run on loaded
 * 2-core machines; the limit only turns a server that never comes up into an error.
 */
const READY_TIMEOUT_MS = 60_000;
/** Longer than any PASSMINT_SHUTDOWN_DELAY_MS a test sets plus the drain after it. */
const STOP_GRACE_MS = 30_000;

/** `passmint serve` as its own process, the way an operator runs it. */
export async function spawnServer(env: Record<string, string>, options: SpawnOptions = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? PASSMINT_BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_PORT: '0', ...env },
    stdio: ['ignore', options.discardLog ? 'ignore' : 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close' rather than 'exit': the output pipes are closed too, so no handle is left for Jest.
  const closed = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  const stop = (signal: NodeJS.Signals = 'SIGTERM', { graceMs = STOP_GRACE_MS }: { graceMs?: number } = {}) =>
    stopChild(child, closed, signal, graceMs);
  const untrack = trackOpenResource({ name: `passmint serve (pid ${String(child.pid)})`, close: async () => void (await stop('SIGKILL')) });
  void closed.then(untrack);
  try {
    await whenListening(child, () => stderr, closed, options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return {
    url: LISTENING.exec(stderr)?.[1] ?? '',
    key: KEY_LINE.exec(stderr)?.[1] ?? '',
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    stop,
  };
}

/** Resolves once the server printed its address (and, at a first start, the key). */
function whenListening(child: ChildProcess, stderr: () => string, closed: Promise<number | null>, timeoutMs: number): Promise<void> {
  return new Promise<void>((ready, fail) => {
    const check = () => {
      const text = stderr();
      if (LISTENING.test(text) && (!/First start/.test(text) || KEY_LINE.test(text.split('First start')[1] ?? ''))) finish();
    };
    const timer = setTimeout(() => finish(new Error(`passmint serve printed no address within ${timeoutMs} ms:\n${stderr()}`)), timeoutMs);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', check);
      if (error) fail(error);
      else ready();
    };
    child.stderr?.on('data', check);
    void closed.then((code) => finish(new Error(`passmint serve exited with ${String(code)}:\n${stderr()}`)));
  });
}

async function stopChild(
  child: ChildProcess,
  closed: Promise<number | null>,
  signal: NodeJS.Signals,
  graceMs: number,
): Promise<number | null> {
  const running = () => child.exitCode === null && child.signalCode === null;
  if (running()) child.kill(signal);
  const escalate = setTimeout(() => running() && child.kill('SIGKILL'), graceMs);
  try {
    return await closed;
  } finally {
    clearTimeout(escalate);
  }
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary response shapes
}

/** A request to the API the way a client sends it. `body` objects are sent as JSON. */
export async function request(
  url: string,
  options: { method?: string; key?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) };
  let body: string | Buffer | undefined = options.raw;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(url, { method: options.method ?? 'GET', headers: { ...headers, ...options.headers }, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;
  return { status: response.status, headers: response.headers, bytes, json: isJson ? JSON.parse(bytes.toString('utf8')) : undefined };
}
