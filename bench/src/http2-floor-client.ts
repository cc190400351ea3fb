import { readFileSync } from 'node:fs';
import http2 from 'node:http2';

/**
 * `node http2-floor-client.js <job file>`: Node's own HTTP/2 client, with none of Passmint, sends
 * the job's pushes to a fake APNs as Passmint's APNs client would (same headers, `{}`, `concurrency`
 * streams in flight on one connection), and prints `{ ms, cpuMs, answered }` as one JSON line.
 * The floor under any Node APNs sender on the machine: see ./http2-floor.ts.
 */
export interface FloorJob {
  url: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  topic: string;
  tokens: string[];
  concurrency: number;
}

export interface FloorRun {
  ms: number;
  cpuMs: number;
  answered: number;
}

function run(job: FloorJob): Promise<FloorRun> {
  const session = http2.connect(job.url, { ca: job.caPem, cert: job.certPem, key: job.keyPem });
  let next = 0;
  let answered = 0;
  const startedCpu = process.cpuUsage();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    session.on('error', reject);
    const sendOne = () => {
      const token = job.tokens[next++];
      if (token === undefined) return;
      const stream = session.request({
        ':method': 'POST',
        ':path': `/3/device/${token}`,
        'apns-topic': job.topic,
        'apns-push-type': 'background',
        'apns-priority': '5',
        'content-type': 'application/json',
      });
      stream.resume();
      stream.on('close', () => {
        answered += 1;
        if (answered < job.tokens.length) return sendOne();
        const cpu = process.cpuUsage(startedCpu);
        session.close();
        resolve({ ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000, answered });
      });
      stream.end('{}');
    };
    session.once('remoteSettings', () => {
      for (let stream = 0; stream < job.concurrency; stream++) sendOne();
    });
  });
}

const [jobFile] = process.argv.slice(2);
if (jobFile === undefined) throw new Error('usage: http2-floor-client.js <job file>');
run(JSON.parse(readFileSync(jobFile, 'utf8')) as FloorJob).then(
  (result) => console.log(JSON.stringify(result)),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
