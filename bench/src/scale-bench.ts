import { postgresVersion } from './pg-schema';
import { measureFanOut, type FanOutPlan } from './push-fanout';
import { printReport } from './scale-report';
import { measureThroughput, type StoreKind, type ThroughputPlan, type ThroughputRow } from './scale-throughput';

/**
 * `npm run bench:scale`: what a second process buys. POST and changed-PUT throughput flat out
 * on SQLite and PostgreSQL with one and two `passmint serve` processes (goal: PostgreSQL on one
 * process keeps 70% of SQLite's throughput), then a push fan-out to 100,000 devices with two
 * processes' workers draining one PostgreSQL outbox (goal: under 60 s). Also the per-process
 * figures a capacity model needs: requests/s and pushes/s per process, database writes per
 * update, and bytes stored per pass.
 */

const THROUGHPUT: ThroughputPlan = {
  seconds: Number(process.env.BENCH_SCALE_SECONDS ?? 10),
  warmUpSeconds: 2,
  connections: 16,
  seedPasses: 300,
};

const FAN_OUT: FanOutPlan = {
  devices: Number(process.env.BENCH_SCALE_DEVICES ?? 100_000),
  passes: 100,
  processes: 2,
  store: 'postgres',
  webRegistrationBudgetMs: 60_000,
  deliveryTimeoutMs: 120_000,
};

const CONFIGURATIONS: [StoreKind, number][] = [
  ['SQLite', 1],
  ['SQLite', 2],
  ['PostgreSQL', 1],
  ['PostgreSQL', 2],
];

async function main(): Promise<void> {
  const rows: ThroughputRow[] = [];
  for (const [store, processes] of CONFIGURATIONS) {
    rows.push(await measureThroughput(store, processes, THROUGHPUT));
    console.log(`measured ${store} x${processes}`);
  }
  const fanOut = await measureFanOut(FAN_OUT);
  const failed = printReport({ throughput: THROUGHPUT, rows, fanOutPlan: FAN_OUT, fanOut, postgresVersion: await postgresVersion() });
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
