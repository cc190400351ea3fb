import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { readEnv } from '../env';
import { startServer, type RunningServer } from '../serve/start-server';

const KEY_LINE = /^\s+(pm_live_[A-Za-z0-9_-]+)\s*$/m;
const LISTENING = /listening on (http:\/\/\S+)/;
/** The `passmint` command of this package. */
export const PASSMINT_BIN = resolve(__dirname, '../../bin/passmint.js');


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
export async function startInProcess(env: Record<string, string> = {}): Promise<InProcessServer> {
  const dataDir = env.PASSMINT_DATA_DIR ?? tempDataDir();
  let report = '';
  const log = new PassThrough();
  const lines: string[] = [];
  log.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  const server = await startServer(readEnv({ PASSMINT_DATA_DIR: dataDir, PASSMINT_PORT: '0', ...env }), {
    report: { write: (text: string) => (report += text) },
    log,
  });
  return {
    url: server.url,
    key: KEY_LINE.exec(report)?.[1] ?? '',
    dataDir,
    server,
    logLines: () => lines,
    async close() {
      await server.close();
      if (!env.PASSMINT_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SpawnedServer {
  url: string;
  /** The key printed at first start; empty when the data dir already had a tenant. */
  key: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `passmint serve` as its own process, the way an operator runs it. `discardLog` drops the request
 * log unread (benchmarks: collecting it would load the measuring process).
 */
export async function spawnServer(env: Record<string, string>, options: { discardLog?: boolean } = {}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [PASSMINT_BIN, 'serve'], {
    env: { PATH: process.env.PATH ?? '', PASSMINT_PORT: '0', ...env },
    stdio: ['ignore', options.discardLog ? 'ignore' : 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const check = () => {
      if (LISTENING.test(stderr) && (!/First start/.test(stderr) || KEY_LINE.test(stderr.split('First start')[1] ?? ''))) ready();
    };
    child.stderr?.on('data', check);
    void exited.then((code) => fail(new Error(`passmint serve exited with ${String(code)}:\n${stderr}`)));
  });
  return {
    url: LISTENING.exec(stderr)?.[1] ?? '',
    key: KEY_LINE.exec(stderr)?.[1] ?? '',
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
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
