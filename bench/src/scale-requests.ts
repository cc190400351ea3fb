import type autocannon from 'autocannon';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';

const EXAMPLE = API_EXAMPLE_BODIES.create;

export function apiHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

/** The example body with its points set to `points`: a different pass.json for each value. */
export function bodyWithPoints(points: number): string {
  return JSON.stringify({ ...EXAMPLE, headerFields: [{ label: 'POINTS', value: String(points), changeMessage: 'You have %@ points' }] });
}

export function postRequest(headers: Record<string, string>): autocannon.Request {
  return { method: 'POST', path: '/api/passes', headers, body: JSON.stringify(EXAMPLE) };
}

/**
 * PUTs that each really change a pass: the points count up across every request sent from this
 * one object, however many autocannon instances share it, and the serials take turns.
 */
export function changedPutRequest(headers: Record<string, string>, serials: string[]): autocannon.Request {
  let counter = 0;
  const setupRequest = (request: autocannon.Request): autocannon.Request => {
    counter++;
    return { ...request, path: `/api/passes/${serials[counter % serials.length]}`, body: bodyWithPoints(counter) };
  };
  return { method: 'PUT', headers, setupRequest };
}

/** `count` passes made through the URLs in turn, a few requests in flight; their serials. */
export async function createPasses(urls: string[], headers: Record<string, string>, count: number): Promise<string[]> {
  const serials: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const url = urls[index % urls.length] as string;
      const response = await fetch(`${url}/api/passes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...EXAMPLE, barcodeValue: `SEED-${index}` }),
      });
      if (!response.ok) throw new Error(`creating a pass failed: ${response.status} ${await response.text()}`);
      serials[index] = ((await response.json()) as { serialNumber: string }).serialNumber;
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return serials;
}
