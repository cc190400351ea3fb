import { checkStoredPass, type StoredPassProblem } from '@passmint/engine';
import type { OutboxHealth, Store } from '../store/store-port';
import { readEnv } from '../env';
import { describeStoreLocation, openStore } from '../store/open-store';
import type { CliIo } from './io';
import { trustedRoots } from './trusted-roots';

interface CheckArgs {
  values: { trust?: string[]; json?: boolean };
}

export interface IntegrityReport {
  ok: boolean;
  passes: number;
  problems: { serialNumber: string; tenantId: string; problems: StoredPassProblem[] }[];
  /** `givenUpSince`: the start of the window given-up pushes are counted in. */
  outbox: OutboxHealth & { givenUpSince: string };
}

const PAGE = 200;
/** Given-up pushes are reported for this long: a daily check sees each one once. */
export const GIVEN_UP_WINDOW_MS = 24 * 60 * 60_000;

/**
 * `passmint check`: re-validates every stored pass (schema, hash, signed .pkpass) and looks at the
 * outbox. Exit code 1 when a pass has a problem, an unfinished push has no registration behind
 * it, or a push (or Google sync) was given up in the last 24 hours: a device that missed an update
 * until the pass changes again. Waiting pushes and ran-out leases are reported, not failures (a
 * running worker takes them), and nor are pushes that ended because APNs said the device is gone.
 */
export async function checkCommand({ values }: CheckArgs, io: CliIo): Promise<number> {
  const env = readEnv(io.env, io.plugins);
  const roots = trustedRoots(env.PASSMINT_DATA_DIR, values.trust);
  const { store, location } = await openStore(env);
  try {
    const report = await checkStore(store, roots);
    io.out.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatIntegrity(describeStoreLocation(location), report));
    return report.ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

export async function checkStore(store: Store, trustedRoots: string[]): Promise<IntegrityReport> {
  const problems: IntegrityReport['problems'] = [];
  let passes = 0;
  let after: string | null = null;
  for (let page = await store.listPassesAfter(after, PAGE); page.length > 0; page = await store.listPassesAfter(after, PAGE)) {
    for (const pass of page) {
      const found = checkStoredPass(pass, trustedRoots);
      if (found.length > 0) problems.push({ serialNumber: pass.serialNumber, tenantId: pass.tenantId, problems: found });
    }
    passes += page.length;
    after = page[page.length - 1]?.serialNumber ?? null;
  }
  const now = new Date();
  const givenUpSince = new Date(now.getTime() - GIVEN_UP_WINDOW_MS).toISOString();
  const outbox = { ...(await store.outboxHealth(now.toISOString(), givenUpSince)), givenUpSince };
  return { ok: problems.length === 0 && outbox.orphaned === 0 && outbox.givenUp === 0, passes, problems, outbox };
}

function formatIntegrity(where: string, report: IntegrityReport): string {
  const lines = report.problems.flatMap(({ serialNumber, problems }) =>
    problems.map((problem) => `${serialNumber}: ${problem.code}: ${problem.message}`),
  );
  const { pending, leased, expiredLeases, orphaned, givenUp, lastGivenUp } = report.outbox;
  lines.push(`${where}: ${report.passes} passes checked, ${report.problems.length} with problems`);
  lines.push(`outbox: ${pending} waiting, ${leased} leased (${expiredLeases} past their lease), ${orphaned} without a registration`);
  const latest = lastGivenUp
    ? ` (latest: ${lastGivenUp.serialNumber} at ${lastGivenUp.at}${lastGivenUp.detail ? `: ${lastGivenUp.detail}` : ''})`
    : '';
  lines.push(`pushes given up in the last 24 hours: ${givenUp}${latest}`);
  lines.push(report.ok ? 'OK' : 'PROBLEMS FOUND');
  return `${lines.join('\n')}\n`;
}
