import type { CanonicalField, CanonicalPass } from '../normalise/canonical-pass';
import type { FieldGroup } from '../schema/limits';
import type { TicketEvent, TransitType, Trip } from '../schema/pass-styles';

/**
 * A field as pass.json carries it: the canonical field plus Apple's date formatting keys.
 * `ignoresTimeZone` shows the time in the offset the value was given in (the venue's or the
 * station's), not the phone's.
 * @see https://developer.apple.com/documentation/walletpasses/passfieldcontent
 */
export interface RenderedField extends Omit<CanonicalField, 'value'> {
  /** pass.json takes numbers too, which Wallet formats for the phone's locale. */
  value: string | number;
  dateStyle?: DateStyle;
  timeStyle?: DateStyle;
  ignoresTimeZone?: boolean;
}

type DateStyle = 'PKDateStyleNone' | 'PKDateStyleShort' | 'PKDateStyleMedium' | 'PKDateStyleLong' | 'PKDateStyleFull';
export type FrontFields = Partial<Record<Exclude<FieldGroup, 'backFields'>, RenderedField[]>>;

const FRONT_GROUPS = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields'] as const;
/** Apple lays out at most four fields a row; the schema holds callers to the same. */
const ROW_MAX = 4;

/**
 * Front fields made from the structured data when the caller gave none: an event ticket or a
 * boarding pass with an empty front would show nothing but the barcode. Keys are fixed (docs/api.md
 * lists them), so a later PATCH of a field by key can address them once the caller adopts them.
 * The canonical pass is not changed: these exist only in pass.json.
 */
export function defaultFrontFields(pass: CanonicalPass): FrontFields | undefined {
  if (FRONT_GROUPS.some((group) => pass.fields[group].length > 0)) return undefined;
  let fields: FrontFields | undefined;
  if (pass.style === 'eventTicket' && pass.event) fields = eventFields(pass.event);
  if (pass.style === 'boardingPass' && pass.trip) fields = tripFields(pass.trip, pass.transitType ?? 'generic');
  return fields && avoidingKeys(fields, new Set(pass.fields.backFields.map((field) => field.key)));
}

/** Keys are unique across the whole pass: a back field the caller keyed `seat` keeps its key. */
function avoidingKeys(fields: FrontFields, taken: Set<string>): FrontFields {
  if (taken.size === 0) return fields;
  const rename = (field: RenderedField): RenderedField => {
    let key = field.key;
    for (let suffix = 2; taken.has(key); suffix++) key = `${field.key}_${suffix}`;
    taken.add(key);
    return key === field.key ? field : { ...field, key };
  };
  const renamed: FrontFields = {};
  for (const group of FRONT_GROUPS) {
    const list = fields[group];
    if (list) renamed[group] = list.map(rename);
  }
  return renamed;
}

/** Event: its name; venue and date; then seat (section, row, seat) or admission, and doors. */
export function eventFields(event: TicketEvent): FrontFields {
  const seat = event.seat ?? {};
  const auxiliary = [
    text('section', 'SECTION', seat.section),
    text('row', 'ROW', seat.row),
    text('seat', 'SEAT', seat.number),
    text('admission', 'ADMISSION', event.admissionLevel),
    event.doorsOpenAt === undefined ? undefined : time('doors', 'DOORS', event.doorsOpenAt),
  ];
  return groups({
    primaryFields: [text('event', 'EVENT', event.name)],
    secondaryFields: [text('venue', 'VENUE', event.venue.name), dateTime('date', 'DATE', event.startsAt)],
    auxiliaryFields: auxiliary,
  });
}

const NUMBER_LABEL: Record<TransitType, string> = { air: 'FLIGHT', train: 'TRAIN', bus: 'BUS', boat: 'SAILING', generic: 'ROUTE' };

/**
 * Boarding pass: origin and destination codes (names when there are no codes) under their names,
 * as Apple's boarding pass example does; gate or platform in the header; passenger and departure;
 * then number, boarding group, seat and boarding time.
 * @see https://developer.apple.com/documentation/walletpasses/pass/boardingpass-data.dictionary
 */
export function tripFields(trip: Trip, transitType: TransitType): FrontFields {
  const { origin, destination } = trip;
  const number = transitType === 'air' && trip.carrierCode && trip.number ? `${trip.carrierCode}${trip.number}` : trip.number;
  return groups({
    headerFields: [origin.gate === undefined ? text('platform', 'PLATFORM', origin.platform) : text('gate', 'GATE', origin.gate)],
    primaryFields: [stopField('origin', origin), stopField('destination', destination)],
    secondaryFields: [text('passenger', 'PASSENGER', trip.passenger), dateTime('departs', 'DEPARTS', origin.departsAt)],
    auxiliaryFields: [
      text('number', NUMBER_LABEL[transitType], number),
      text('group', 'GROUP', trip.boardingGroup),
      text('seat', 'SEAT', trip.seat),
      trip.boardsAt === undefined ? undefined : time('boards', 'BOARDS', trip.boardsAt),
    ],
  });
}

function stopField(key: string, stop: Trip['origin'] | Trip['destination']): RenderedField {
  return stop.code === undefined
    ? { key, label: key === 'origin' ? 'FROM' : 'TO', value: stop.name }
    : { key, label: stop.name, value: stop.code };
}

function text(key: string, label: string, value: string | undefined): RenderedField | undefined {
  return value === undefined ? undefined : { key, label, value };
}

function dateTime(key: string, label: string, value: string): RenderedField {
  return { key, label, value, dateStyle: 'PKDateStyleMedium', timeStyle: 'PKDateStyleShort', ignoresTimeZone: true };
}

function time(key: string, label: string, value: string): RenderedField {
  return { key, label, value, dateStyle: 'PKDateStyleNone', timeStyle: 'PKDateStyleShort', ignoresTimeZone: true };
}

type FieldCandidates = Partial<Record<keyof FrontFields, (RenderedField | undefined)[]>>;

function groups(candidates: FieldCandidates): FrontFields {
  const result: FrontFields = {};
  for (const group of FRONT_GROUPS) {
    const present: RenderedField[] = [];
    for (const field of candidates[group] ?? []) if (field !== undefined && present.length < ROW_MAX) present.push(field);
    if (present.length > 0) result[group] = present;
  }
  return result;
}
