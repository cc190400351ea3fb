import type { expect as jestExpect, test as jestTest } from '@jest/globals';
import { errorResponseSchema } from '@passmint/engine/schema';
import { floodBody } from './raw-http';

/** A route a client can flood, by the head of its request (the request line and headers but the length). */
export interface FloodedRoute {
  name: string;
  head: () => string;
}

/**
 * The tests that a client writing `bodyBytes` without waiting for 100-continue reads the 413,
 * with Content-Length and chunked, for each route; for the server's routes and the plugins' alike.
 * Call inside a describe block, with the URL of a server started in its beforeAll.
 */
export function testOversizeFloods(routes: readonly FloodedRoute[], url: () => string, bodyBytes: number): void {
  // Jest's globals, not an import of @jest/globals: that throws when loaded outside Jest, and this
  // entry is also what the benches load to spawn a server.
  const { expect, test } = globalThis as unknown as { expect: typeof jestExpect; test: typeof jestTest };
  test.each(routes.map((route) => [route.name, route] as const))('%s, with Content-Length', async (_name, route) => {
    const answer = await floodBody(url(), `${route.head()}Content-Length: ${bodyBytes}\r\n\r\n`, bodyBytes);
    expect(answer.status).toBe(413);
    expect(errorResponseSchema.parse(JSON.parse(answer.body))).toMatchObject({ code: 'body_too_large' });
    // The whole body was taken and thrown away, without a reset.
    expect(answer.written).toBeGreaterThanOrEqual(bodyBytes);
    expect(answer.ended).toBe('close');
  });

  test.each(routes.map((route) => [route.name, route] as const))('%s, chunked', async (_name, route) => {
    const answer = await floodBody(url(), `${route.head()}Transfer-Encoding: chunked\r\n\r\n`, bodyBytes, { chunked: true });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'body_too_large' });
    expect(answer.ended).toBe('close');
  });
}
