import { STYLE_EXAMPLE_BODIES } from '../testing';
import { canonicalOf, renderBody } from './test-support/render-body';

describe('the points balance on a store card', () => {
  it('is a header field keyed points, with the caller’s label', () => {
    const { passJson, warnings } = renderBody(STYLE_EXAMPLE_BODIES.storeCardWithPoints);
    expect(passJson.storeCard).toMatchObject({ headerFields: [{ key: 'points', label: 'BEANS', value: 1250 }] });
    expect(warnings).toEqual([]);
  });

  it('is labelled POINTS by default and comes after the caller’s header fields', () => {
    const body = { ...STYLE_EXAMPLE_BODIES.storeCardWithPoints, points: { balance: 7 }, headerFields: [{ label: 'TIER', value: 'Gold' }] };
    expect(renderBody(body).passJson.storeCard).toMatchObject({
      headerFields: [
        { key: 'header0', label: 'TIER', value: 'Gold' },
        { key: 'points', label: 'POINTS', value: 7 },
      ],
    });
  });

  it('gives way to a field the caller keyed points, and leaves the canonical pass as it was', () => {
    const body = { ...STYLE_EXAMPLE_BODIES.storeCardWithPoints, secondaryFields: [{ key: 'points', label: 'PTS', value: '1.2k' }] };
    const { passJson } = renderBody(body);
    expect(passJson.storeCard).not.toHaveProperty('headerFields');
    expect(canonicalOf(STYLE_EXAMPLE_BODIES.storeCardWithPoints).fields.headerFields).toEqual([]);
  });

  it('is not added to a full header, with a warning', () => {
    const header = [1, 2, 3].map((n) => ({ label: `H${n}`, value: String(n) }));
    const { passJson, warnings } = renderBody({ ...STYLE_EXAMPLE_BODIES.storeCardWithPoints, headerFields: header });
    expect((passJson.storeCard as { headerFields: unknown[] }).headerFields).toHaveLength(3);
    expect(warnings).toEqual([expect.stringContaining('points balance is not shown')]);
  });
});
