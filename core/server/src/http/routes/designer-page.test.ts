import { passCreateSchema } from '@passmint/engine/schema';
import { designerHtml } from './designer-page';

const html = designerHtml();
const attributeValues = (name: string) => [...html.matchAll(new RegExp(`${name}="([^"]+)"`, 'g'))].map((match) => match[1] ?? '');

interface SchemaNode {
  _zod: { def: { type: string; innerType?: SchemaNode; shape?: Record<string, SchemaNode>; element?: SchemaNode } };
}

function unwrap(schema: SchemaNode): SchemaNode {
  const def = schema._zod.def;
  return (def.type === 'optional' || def.type === 'nullable') && def.innerType ? unwrap(def.innerType) : schema;
}

/** Every place a value can go in the body: `event.venue.name`, `headerFields` (rows of objects), … */
function leafPaths(schema: SchemaNode, prefix = ''): string[] {
  const def = unwrap(schema)._zod.def;
  if (def.type !== 'object' || !def.shape) return [prefix];
  return Object.entries(def.shape).flatMap(([key, inner]) => leafPaths(inner, prefix ? `${prefix}.${key}` : key));
}

/** Shown elsewhere than in a data-path input: the style radios, the row lists and the translations editor. */
const EDITED_APART = [
  'style',
  'headerFields',
  'primaryFields',
  'secondaryFields',
  'auxiliaryFields',
  'backFields',
  'locations',
  'translations',
];
/** The legacy shorthands (the field rows say the same) and voided (an update, not a design). */
const NOT_OFFERED = ['title', 'cardLabel', 'label', 'value', 'voided'];

describe('the designer form speaks the schema', () => {
  const schemaPaths = leafPaths(passCreateSchema as unknown as SchemaNode);

  test('every input names a place in the body by the schema’s own names', () => {
    expect(schemaPaths).toEqual(expect.arrayContaining(['barcodeValue', 'event.venue.name', 'trip.origin.departsAt', 'points.balance']));
    const unknown = attributeValues('data-path').filter((path) => !schemaPaths.includes(path));
    expect(unknown).toEqual([]);
  });

  test('every place in the body has its input, except the ones edited apart or not offered', () => {
    const offered = new Set([...attributeValues('data-path'), ...attributeValues('data-rows'), ...EDITED_APART, ...NOT_OFFERED]);
    expect(schemaPaths.filter((path) => !offered.has(path))).toEqual([]);
  });

  test('every style is offered, and each section shows for the style that uses it', () => {
    expect(attributeValues('value').filter((value) => /^(generic|storeCard|eventTicket|coupon|boardingPass)$/.test(value))).toEqual([
      'generic',
      'storeCard',
      'eventTicket',
      'coupon',
      'boardingPass',
    ]);
    expect(html).toMatch(/id="panel-event" data-styles="eventTicket"/);
    expect(html).toMatch(/id="panel-trip" data-styles="boardingPass"/);
    expect(html).toMatch(/id="panel-points" data-styles="storeCard"/);
  });
});
