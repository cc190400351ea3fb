import { DataUriCache } from './data-uri-cache';

const tail = 'A'.repeat(100);
/** URIs of one length and one ending, different only in the middle: the same fingerprint. */
const twin = (middle: string) => `data:image/png;base64,${middle}${tail}`;

describe('DataUriCache', () => {
  it('never answers for another URI that shares the length and the ending', () => {
    const cache = new DataUriCache<string>({ entries: 8, weight: 1000 });
    cache.set(twin('XXXX'), 'first', 1);
    expect(cache.get(twin('XXXX'))).toBe('first');
    expect(cache.get(twin('YYYY'))).toBeUndefined();
    cache.set(twin('YYYY'), 'second', 1);
    expect(cache.get(twin('YYYY'))).toBe('second');
    expect(cache.get(twin('XXXX'))).toBeUndefined();
  });

  it('finds a URI given as a new string with the same characters', () => {
    const cache = new DataUriCache<number>({ entries: 8, weight: 1000 });
    cache.set(twin('ZZZZ'), 7, 1);
    expect(cache.get(JSON.parse(JSON.stringify(twin('ZZZZ'))) as string)).toBe(7);
  });

  it('evicts the oldest past its entry or weight limit, and keeps nothing heavier than the limit', () => {
    const cache = new DataUriCache<number>({ entries: 3, weight: 10 });
    for (const n of [1, 2, 3, 4]) cache.set(`data:${n}`, n, 1);
    expect([1, 2, 3, 4].map((n) => cache.get(`data:${n}`))).toEqual([undefined, 2, 3, 4]);
    cache.set('data:heavy', 0, 9);
    expect([2, 3, 4].map((n) => cache.get(`data:${n}`))).toEqual([undefined, undefined, 4]);
    cache.set('data:too-heavy', 0, 11);
    expect(cache.get('data:too-heavy')).toBeUndefined();
    expect(cache.get('data:heavy')).toBe(0);
    expect(cache.get('data:4')).toBe(4);
  });
});
