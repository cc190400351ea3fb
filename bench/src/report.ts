import { availableParallelism } from 'node:os';
import type { BenchConfig } from './config';
import { SIDE_LABELS, type Side, type SideResult, type ValidationSummary } from './side-result';

const PEER_RATIO_GOAL = 100;
const RSA_SHARE_GOAL = 0.75;
const COLUMNS = ['side', 'passes', 'passes/s', 'p50 ms', 'p99 ms', 'peak RSS MB'];

export type Results = Record<Side, SideResult>;

export function printReport(results: Results, config: BenchConfig): void {
  console.log('');
  console.log(`Pass signing with one RSA-2048 identity; node ${process.version}, ${availableParallelism()} CPUs`);
  console.log(`untimed warm-up: Passmint ${config.passmintWarmUp}, passkit-generator ${config.peerWarmUp}, RSA ${config.rsaWarmUp}; each side in its own process`);
  console.log('');
  printTable(Object.values(results));
  console.log(`peak RSS: each side process's high-water mark up to the end of its timed loop`);
  console.log('');
  for (const result of Object.values(results)) if (result.validation) printValidation(result.side, result.validation);
  console.log('');
  printRatios(results);
  const failing = failingPassmintPasses(results);
  if (failing > 0) console.log(`FAILED: ${failing} Passmint passes have validation errors`);
  console.log(JSON.stringify(machineSummary(results)));
}

/** The bench fails on any Passmint pass with a validation error; unvalidated passes count as failing. */
export function failingPassmintPasses({ passmint }: Results): number {
  return passmint.validation?.passesWithErrors ?? passmint.timing.count;
}

function printTable(results: SideResult[]): void {
  const rows = [
    COLUMNS,
    ...results.map(({ side, timing, peakRssMb }) => [
      SIDE_LABELS[side],
      timing.count.toLocaleString('en-US'),
      timing.perSecond.toFixed(1),
      timing.p50Ms.toFixed(3),
      timing.p99Ms.toFixed(3),
      peakRssMb.toFixed(1),
    ]),
  ];
  const widths = COLUMNS.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   '));
}

function printValidation(side: Side, validation: ValidationSummary): void {
  const clean = (validation.checked - validation.passesWithErrors).toLocaleString('en-US');
  console.log(`${SIDE_LABELS[side]}: ${clean} of ${validation.checked.toLocaleString('en-US')} passes validate without errors (warm-up passes included)`);
  if (validation.passesWithErrors > 0) console.log(`  errors: ${codeCounts(validation.errorCodes)}`);
  for (const line of validation.firstErrors) console.log(`    ${line}`);
  if (Object.keys(validation.warningCodes).length > 0) console.log(`  warnings: ${codeCounts(validation.warningCodes)}`);
}

function codeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([code, count]) => `${code} ×${count}`)
    .join(', ');
}

function printRatios({ passmint, peer, rsa }: Results): void {
  const peerRatio = passmint.timing.perSecond / peer.timing.perSecond;
  const rsaShare = passmint.timing.perSecond / rsa.timing.perSecond;
  console.log(`Passmint ÷ passkit-generator: ${peerRatio.toFixed(1)}×  (goal ≥ ${PEER_RATIO_GOAL}×: ${verdict(peerRatio >= PEER_RATIO_GOAL)})`);
  console.log(`Passmint ÷ bare RSA rate:     ${(rsaShare * 100).toFixed(1)}%  (goal ≥ ${RSA_SHARE_GOAL * 100}%: ${verdict(rsaShare >= RSA_SHARE_GOAL)})`);
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

function machineSummary({ passmint, peer, rsa }: Results) {
  return {
    passmint_pps: round(passmint.timing.perSecond, 1),
    peer_pps: round(peer.timing.perSecond, 1),
    rsa_limit_pps: round(rsa.timing.perSecond, 1),
    passmint_p99_ms: round(passmint.timing.p99Ms, 3),
  };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
