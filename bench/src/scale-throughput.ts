import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClosedLoop, type ClosedLoopResult } from './closed-loop';
import { openBenchSchema, schemaFootprint, settledCounters, type BenchSchema, type WriteCounters } from './pg-schema';
import { startCluster, type Cluster } from './scale-cluster';
import { apiHeaders, changedPutRequest, createPasses, postRequest } from './scale-requests';

export type StoreKind = 'SQLite' | 'PostgreSQL';

export interface ThroughputPlan {
  seconds: number;
  warmUpSeconds: number;
  connections: number;
  seedPasses: number;
}

export interface ThroughputRow {
  store: StoreKind;
  processes: number;
  post: ClosedLoopResult;
  put: ClosedLoopResult;
  /** PostgreSQL only: per 2xx PUT, from the statistics views. */
  rowWritesPerPut?: number;
  commitsPerPut?: number;
  passes: number;
  bytesPerPass: number;
}

/**
 * One configuration, fresh: the processes on a new data dir (and, for PostgreSQL, a new schema),
 * seeded, warmed up, then POST flat out and changed PUT flat out.
 */
export async function measureThroughput(store: StoreKind, processes: number, plan: ThroughputPlan): Promise<ThroughputRow> {
  const dataDir = mkdtempSync(join(tmpdir(), 'passmint-bench-scale-'));
  let schema: BenchSchema | undefined;
  let cluster: Cluster | undefined;
  try {
    schema = store === 'PostgreSQL' ? await openBenchSchema(`p${processes}`) : undefined;
    const env = { PASSMINT_DATA_DIR: dataDir, ...(schema ? { PASSMINT_DATABASE_URL: schema.url } : {}) };
    cluster = await startCluster(processes, () => env);
    const row = await runScenarios(cluster, schema, plan);
    await cluster.stop();
    const after = schema ? await settledCounters(schema, 'exited') : undefined;
    const footprint = schema ? await schemaFootprint(schema) : { bytes: sqliteBytes(dataDir), passes: row.passesMade };
    return {
      store,
      processes,
      post: row.post,
      put: row.put,
      ...(after && row.beforePut ? perPut(row.beforePut, after, row.put.ok) : {}),
      passes: footprint.passes,
      bytesPerPass: footprint.bytes / Math.max(1, footprint.passes),
    };
  } finally {
    await cluster?.stop();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runScenarios(cluster: Cluster, schema: BenchSchema | undefined, plan: ThroughputPlan) {
  const headers = apiHeaders(cluster.key);
  const serials = await createPasses(cluster.urls, headers, plan.seedPasses);
  const post = postRequest(headers);
  // One request object for warm-up and measurement: its points keep counting up, so no PUT
  // repeats a value a pass already has.
  const changedPut = changedPutRequest(headers, serials);
  const warmPost = await runClosedLoop(cluster.urls, plan.connections, plan.warmUpSeconds, post);
  await runClosedLoop(cluster.urls, plan.connections, plan.warmUpSeconds, changedPut);
  const postResult = await runClosedLoop(cluster.urls, plan.connections, plan.seconds, post);
  const beforePut = schema ? await settledCounters(schema, 'idle') : undefined;
  const putResult = await runClosedLoop(cluster.urls, plan.connections, plan.seconds, changedPut);
  return { post: postResult, put: putResult, beforePut, passesMade: plan.seedPasses + warmPost.ok + postResult.ok };
}

function perPut(before: WriteCounters, after: WriteCounters, puts: number): { rowWritesPerPut: number; commitsPerPut: number } {
  return {
    rowWritesPerPut: (after.rowWrites - before.rowWrites) / Math.max(1, puts),
    commitsPerPut: (after.commits - before.commits) / Math.max(1, puts),
  };
}

/** The database file with its WAL, whatever the processes left behind on exit. */
function sqliteBytes(dataDir: string): number {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('passmint.db') && !name.endsWith('-shm'))
    .reduce((sum, name) => sum + statSync(join(dataDir, name)).size, 0);
}
