import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import type { WebhookSink } from './webhook-sink';

// What the events benches do through the API besides loading it: endpoints in and out, changed bodies.

type Headers = Record<string, string>;

/** Subscribes the sink to pass.created and pass.updated, and gives it the endpoint's secret; the endpoint's id. */
export async function subscribe(url: string, headers: Headers, sink: WebhookSink): Promise<string> {
  const response = await fetch(`${url}/api/webhooks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ url: sink.url, events: ['pass.created', 'pass.updated'] }),
  });
  if (response.status !== 201) throw new Error(`creating a webhook failed: ${response.status} ${await response.text()}`);
  const created = (await response.json()) as { id: string; secret: string };
  sink.setSecret(created.secret);
  return created.id;
}

export async function unsubscribe(url: string, headers: Headers, id: string): Promise<void> {
  const response = await fetch(`${url}/api/webhooks/${id}`, { method: 'DELETE', headers });
  if (!response.ok) throw new Error(`deleting a webhook failed: ${response.status}`);
}

/** The `index`-th changed PUT over the serials in turn: the API example with a header field no other PUT has. */
export function changedPut(serials: readonly string[], index: number): { path: string; body: string } {
  const body = { ...API_EXAMPLE_BODIES.create, headerFields: [{ label: 'POINTS', value: `${Date.now()}-${index}` }] };
  return { path: `/api/passes/${serials[index % serials.length]}`, body: JSON.stringify(body) };
}

/** Nearest-rank percentile of an ascending list; NaN when it is empty. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}
