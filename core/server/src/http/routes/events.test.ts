import { eventListSchema } from '@passmint/engine/schema';
import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';
import { request, startInProcess, type InProcessServer } from '../../testing';

let server: InProcessServer;
const serials: string[] = [];

beforeAll(async () => {
  server = await startInProcess();
  for (let i = 0; i < 3; i++) {
    const issued = await request(`${server.url}/api/passes`, { method: 'POST', key: server.key, body: API_EXAMPLE_BODIES.create });
    serials.push(issued.json.serialNumber);
  }
  await request(`${server.url}/api/passes/${serials[0]}`, { method: 'DELETE', key: server.key });
});
afterAll(() => server.close());

const events = async (query: string) => {
  const answer = await request(`${server.url}/api/events${query}`, { key: server.key });
  return { status: answer.status, json: answer.json };
};

describe('GET /api/events', () => {
  test('pages oldest first with after and next, and says when more are ready', async () => {
    const first = eventListSchema.parse((await events('?limit=2')).json);
    expect(first.events.map((event) => event.type)).toEqual(['pass.created', 'pass.created']);
    expect(first).toMatchObject({ next: first.events[1]?.id, hasMore: true });
    const rest = eventListSchema.parse((await events(`?after=${first.next}`)).json);
    expect(rest.events.map((event) => [event.type, event.data.serialNumber])).toEqual([
      ['pass.created', serials[2]],
      ['pass.voided', serials[0]],
    ]);
    const end = eventListSchema.parse((await events(`?after=${rest.next}`)).json);
    expect(end).toEqual({ events: [], next: rest.next, hasMore: false });
  });

  test('with order=newest, pages newest first with before', async () => {
    const newest = eventListSchema.parse((await events('?order=newest&limit=1&type=pass.created')).json);
    expect(newest.events.map((event) => event.data.serialNumber)).toEqual([serials[2]]);
    const older = eventListSchema.parse((await events(`?order=newest&type=pass.created&before=${newest.next}`)).json);
    expect(older.events.map((event) => event.data.serialNumber)).toEqual([serials[1], serials[0]]);
    expect(older.hasMore).toBe(false);
  });

  test.each([
    ['?limit=0', /limit/],
    ['?limit=501', /limit/],
    ['?limit=ten', /limit/],
    ['?after=evt_nope', /after/],
    ['?type=pass.exploded', /type/],
    ['?order=sideways', /order/],
    ['?order=newest&after=evt_00000000000000000000000000000001', /before/],
    ['?before=evt_00000000000000000000000000000001', /after/],
  ])('answers 400 invalid_query to %s', async (query, message) => {
    const answer = await events(query);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: 'invalid_query', error: expect.stringMatching(message) });
  });
});
