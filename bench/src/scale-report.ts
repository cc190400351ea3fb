import { availableParallelism } from 'node:os';
import type { ClosedLoopResult } from './closed-loop';
import type { FanOutPlan, FanOutResult } from './push-fanout';
import type { ThroughputPlan, ThroughputRow } from './scale-throughput';

/** PostgreSQL on one process must keep this share of SQLite's throughput. */
export const PG_RATIO_GOAL = 0.7;
export const FAN_OUT_GOAL_MS = 60_000;

export interface ScaleReport {
  throughput: ThroughputPlan;
  rows: ThroughputRow[];
  fanOutPlan: FanOutPlan;
  fanOut: FanOutResult;
  postgresVersion: string;
}

/** Prints every figure; returns whether anything failed (non-2xx, pushes missing or doubled). */
export function printReport(report: ScaleReport): boolean {
  console.log('');
  printHeader(report);
  printThroughput(report.rows);
  console.log('');
  printFanOut(report.fanOutPlan, report.fanOut);
  console.log('');
  const goals = printGoals(report);
  const failures = failuresOf(report);
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  console.log(JSON.stringify(jsonSummary(report, goals)));
  return failures.length > 0;
}

function printHeader({ throughput: plan, postgresVersion }: ScaleReport): void {
  console.log(
    `Passmint scale-out on loopback; node ${process.version}, ${availableParallelism()} CPUs shared by the servers, PostgreSQL and the load generator`,
  );
  console.log(`${postgresVersion}`);
  console.log(
    `closed loop, flat out: ${plan.connections} connections in all, split evenly over the processes (one autocannon instance per process, run together);`,
  );
  console.log(
    `${plan.seconds} s a scenario after ${plan.warmUpSeconds} s warm-ups; req/s = 2xx answers summed over the processes; p50/p99 over the merged latencies of all responses`,
  );
  console.log(
    `each configuration fresh (own data dir; PostgreSQL: own schema), ${plan.seedPasses} passes seeded; PUTs each change a pass's points; 2 processes share one data dir (SQLite: one WAL database file)`,
  );
  console.log(
    "rows/PUT: n_tup_ins+upd+del over the schema's tables per 2xx PUT; xacts/PUT: pg_stat_database.xact_commit per 2xx PUT, read-only transactions included",
  );
  console.log(
    "  (xact_commit is database-wide: the push workers' idle polls and anyone else using the database count too; both after waiting for the servers' statistics to flush)",
  );
  console.log(
    'KiB/pass: PostgreSQL schema (tables, indexes, TOAST) or SQLite file + WAL at the end, over every pass made, each with its version history',
  );
  console.log('');
}

function printThroughput(rows: ThroughputRow[]): void {
  const head = [
    'store'.padEnd(10),
    'procs'.padStart(5),
    'POST/s'.padStart(7),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'PUT/s'.padStart(7),
    'p50 ms'.padStart(7),
    'p99 ms'.padStart(7),
    'non-2xx'.padStart(7),
    'POST/s per proc'.padStart(16),
    'PUT/s per proc'.padStart(15),
    'rows/PUT'.padStart(8),
    'xacts/PUT'.padStart(9),
    'passes'.padStart(7),
    'KiB/pass'.padStart(8),
  ];
  console.log(head.join(' '));
  for (const row of rows) {
    console.log(
      [
        row.store.padEnd(10),
        String(row.processes).padStart(5),
        ...loadCells(row.post),
        ...loadCells(row.put),
        String(row.post.errors + row.put.errors).padStart(7),
        perProcess(row.post).padStart(16),
        perProcess(row.put).padStart(15),
        optional(row.rowWritesPerPut).padStart(8),
        optional(row.commitsPerPut).padStart(9),
        String(row.passes).padStart(7),
        (row.bytesPerPass / 1024).toFixed(1).padStart(8),
      ].join(' '),
    );
  }
}

function loadCells(result: ClosedLoopResult): string[] {
  return [result.okPerSec.toFixed(0).padStart(7), result.p50.toFixed(1).padStart(7), result.p99.toFixed(1).padStart(7)];
}

function perProcess(result: ClosedLoopResult): string {
  return result.okPerSecByProcess.map((rate) => rate.toFixed(0)).join(' + ');
}

function optional(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(2);
}

function printFanOut(plan: FanOutPlan, result: FanOutResult): void {
  const seconds = (result.deliveredMs ?? plan.deliveryTimeoutMs) / 1000;
  const delivered = result.deliveries.distinctTokens;
  console.log(
    `Push fan-out: ${plan.devices} registrations over ${plan.passes} passes, ${plan.processes} processes on one PostgreSQL schema, each with its own push worker and its own fake APNs`,
  );
  console.log(
    `registrations: ${result.registeredThroughWebService} through the web service (${result.webRegistrationsPerSec.toFixed(0)}/s, so all ${plan.devices} would take ~${(plan.devices / result.webRegistrationsPerSec).toFixed(0)} s), ${result.insertedBySql} by SQL INSERT; ${result.registrations} in the table`,
  );
  console.log(
    `${plan.passes} changed PUTs (alternating between processes) answered within ${result.putsAnsweredMs.toFixed(0)} ms, notifiedDevices summed ${result.notifiedDevices}, non-2xx ${result.putErrors}`,
  );
  const timing =
    result.deliveredMs === undefined
      ? `NOT all delivered within ${plan.deliveryTimeoutMs / 1000} s`
      : `all accepted ${result.deliveredMs.toFixed(0)} ms after the first PUT`;
  console.log(
    `pushes for ${delivered} of ${plan.devices} devices accepted by APNs, ${timing}: ${(delivered / seconds).toFixed(0)} pushes/s overall; duplicates ${result.deliveries.duplicates}`,
  );
  result.deliveries.byFake.forEach((count, index) => {
    console.log(
      `  worker ${index + 1}: ${count} pushes (${(count / seconds).toFixed(0)} pushes/s over the same window), ${result.connectionsByProcess[index] ?? 0} HTTP/2 connection(s)`,
    );
  });
}

function printGoals(report: ScaleReport): Record<string, boolean> {
  const sqlite = report.rows.find((row) => row.store === 'SQLite' && row.processes === 1);
  const postgres = report.rows.find((row) => row.store === 'PostgreSQL' && row.processes === 1);
  const goals: Record<string, boolean> = {};
  if (sqlite && postgres) {
    for (const [name, pick] of [
      ['POST', (row: ThroughputRow) => row.post],
      ['PUT', (row: ThroughputRow) => row.put],
    ] as const) {
      const ratio = pick(postgres).okPerSec / Math.max(1e-9, pick(sqlite).okPerSec);
      goals[`pg_${name.toLowerCase()}_ratio`] = ratio >= PG_RATIO_GOAL;
      console.log(
        `goal PostgreSQL single-process ${name} throughput >= ${PG_RATIO_GOAL * 100}% of SQLite's: ${(ratio * 100).toFixed(0)}% ${ratio >= PG_RATIO_GOAL ? 'MET' : 'NOT MET'}`,
      );
    }
  }
  const fanOut = report.fanOut.deliveredMs;
  goals.fan_out = fanOut !== undefined && fanOut < FAN_OUT_GOAL_MS;
  console.log(
    `goal ${report.fanOutPlan.devices} pushes across ${report.fanOutPlan.processes} workers in under ${FAN_OUT_GOAL_MS / 1000} s: ${fanOut === undefined ? 'timed out' : `${(fanOut / 1000).toFixed(1)} s`} ${goals.fan_out ? 'MET' : 'NOT MET'}`,
  );
  return goals;
}

function failuresOf({ rows, fanOut, fanOutPlan }: ScaleReport): string[] {
  const failures = rows
    .filter((row) => row.post.errors + row.put.errors > 0)
    .map((row) => `${row.store} x${row.processes}: ${row.post.errors} POST and ${row.put.errors} PUT requests did not answer 2xx`);
  if (fanOut.putErrors > 0) failures.push(`fan-out: ${fanOut.putErrors} PUTs did not answer 2xx`);
  if (fanOut.deliveries.distinctTokens < fanOutPlan.devices)
    failures.push(`fan-out: ${fanOutPlan.devices - fanOut.deliveries.distinctTokens} devices got no push`);
  if (fanOut.deliveries.duplicates > 0) failures.push(`fan-out: ${fanOut.deliveries.duplicates} duplicate pushes`);
  return failures;
}

function jsonSummary({ rows, fanOut, fanOutPlan }: ScaleReport, goals: Record<string, boolean>): Record<string, unknown> {
  const load = (result: ClosedLoopResult) => ({
    rps: Math.round(result.okPerSec),
    rps_by_process: result.okPerSecByProcess.map(Math.round),
    p50: round2(result.p50),
    p99: round2(result.p99),
    non2xx: result.errors,
  });
  const throughput = Object.fromEntries(
    rows.map((row) => [
      `${row.store.toLowerCase()} x${row.processes}`,
      {
        post: load(row.post),
        put: load(row.put),
        rows_per_put: optionalRound(row.rowWritesPerPut),
        xacts_per_put: optionalRound(row.commitsPerPut),
        passes: row.passes,
        bytes_per_pass: Math.round(row.bytesPerPass),
      },
    ]),
  );
  const seconds = (fanOut.deliveredMs ?? fanOutPlan.deliveryTimeoutMs) / 1000;
  return {
    ...throughput,
    push_fan_out: {
      devices: fanOutPlan.devices,
      registered_web: fanOut.registeredThroughWebService,
      registered_sql: fanOut.insertedBySql,
      puts_answered_ms: Math.round(fanOut.putsAnsweredMs),
      all_pushed_ms: fanOut.deliveredMs === undefined ? null : Math.round(fanOut.deliveredMs),
      pushes_per_s: Math.round(fanOut.deliveries.distinctTokens / seconds),
      pushes_by_worker: fanOut.deliveries.byFake,
      connections_by_worker: fanOut.connectionsByProcess,
      duplicates: fanOut.deliveries.duplicates,
    },
    goals,
  };
}

function optionalRound(value: number | undefined): number | null {
  return value === undefined ? null : round2(value);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
