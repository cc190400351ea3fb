import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** `GET /healthz` latencies (ms) while the sampler ran. */
export interface HealthSamples {
  latenciesMs: number[];
  /** Answers other than 200. */
  failures: number;
}

export interface HealthSampler {
  stop(): Promise<HealthSamples>;
}

const INTERVAL_MS = 50;

/**
 * Samples `GET <url>/healthz` every 50 ms from a worker thread, so the fake APNs busy on the
 * main thread doesn't delay the samples. One request at a time over one kept-alive connection;
 * each latency counts from when the sample was due, so a stalled server can't hide the samples
 * that queued behind a slow one.
 */
export async function startHealthSampler(url: string): Promise<HealthSampler> {
  const worker = new Worker(__filename, { workerData: { url } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  return {
    async stop() {
      const result = new Promise<HealthSamples>((resolve, reject) => {
        worker.once('message', (samples: HealthSamples) => resolve(samples));
        worker.once('error', reject);
      });
      worker.postMessage('stop');
      const samples = await result;
      await worker.terminate();
      return samples;
    },
  };
}

async function sampleUntilStopped(url: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: HealthSamples = { latenciesMs: [], failures: 0 };
  let stopped = false;
  parentPort?.on('message', () => {
    stopped = true;
  });
  await getHealth(url, agent); // the connection is open before the first timed sample
  parentPort?.postMessage('ready');
  let due = performance.now();
  while (!stopped) {
    const status = await getHealth(url, agent);
    samples.latenciesMs.push(performance.now() - due);
    if (status !== 200) samples.failures += 1;
    due += INTERVAL_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  agent.destroy();
  parentPort?.postMessage(samples);
}

function getHealth(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request(`${url}/healthz`, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

if (!isMainThread && (workerData as { url?: unknown } | null)?.url !== undefined) {
  void sampleUntilStopped((workerData as { url: string }).url);
}
