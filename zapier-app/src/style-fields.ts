import type { InputField } from './fields';

/**
 * The pass style, the structured data of each style and the translations, as Zapier input fields.
 * A Zap's fields are flat, so a nested body key is one field whose key joins its path in camel case
 * (`event.venue.name` is `eventVenueName`); `NESTED_PATHS` keeps the path for `bodyFrom`.
 * @see https://docs.zapier.com/platform/build/field-definitions
 * @see https://developer.apple.com/documentation/walletpasses/semantictags
 */

/** Each nested field's path in the body, by its Zapier key. */
export const NESTED_PATHS = new Map<string, string[]>();

const capitalised = (word: string) => `${word.charAt(0).toUpperCase()}${word.slice(1)}`;

function nested(path: string[], label: string, helpText: string, extra: Partial<InputField> = {}): InputField {
  const key = path.map((part, index) => (index === 0 ? part : capitalised(part))).join('');
  NESTED_PATHS.set(key, path);
  return { key, label, helpText, ...extra };
}

const forStyle = (style: string) => `Only with the style ${style}.`;

export const styleField: InputField = {
  key: 'style',
  label: 'Style',
  choices: ['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass'],
  altersDynamicFields: true,
  helpText:
    'The kind of pass: it decides the layout on the phone and the Google Wallet type, and which of its fields follow. Leave empty for a store card when there is a strip image, otherwise a generic pass.',
};

const transitTypeField: InputField = {
  key: 'transitType',
  label: 'Transit type',
  choices: ['air', 'train', 'bus', 'boat', 'generic'],
  helpText: `${forStyle('boardingPass')} Required with it; air needs the IATA codes and the flight number.`,
};

const event = (path: string[], label: string, helpText: string, extra: Partial<InputField> = {}) =>
  nested(['event', ...path], `Event: ${label}`, `${forStyle('eventTicket')} ${helpText}`, extra);

const eventFields: InputField[] = [
  event(['name'], 'name', 'Required with it, e.g. Autumn Jazz Night.'),
  event(['startsAt'], 'starts at', 'Required with it: when the event starts.', { type: 'datetime' }),
  event(['endsAt'], 'ends at', 'When the event ends.', { type: 'datetime' }),
  event(['doorsOpenAt'], 'doors open at', 'When the doors open.', { type: 'datetime' }),
  event(['venue', 'name'], 'venue name', 'Required with it, e.g. Blue Hall.'),
  event(['venue', 'address'], 'venue address', 'The street address of the venue.'),
  event(['venue', 'latitude'], 'venue latitude', '-90 to 90, with the longitude.', { type: 'number' }),
  event(['venue', 'longitude'], 'venue longitude', '-180 to 180, with the latitude.', { type: 'number' }),
  event(['venue', 'entrance'], 'venue entrance', 'The entrance to use, e.g. Gate B.'),
  event(['seat', 'section'], 'seat section', 'The section of the seat.'),
  event(['seat', 'row'], 'seat row', 'The row of the seat.'),
  event(['seat', 'number'], 'seat number', 'The seat number.'),
  event(['seat', 'type'], 'seat type', 'E.g. Standing or Box.'),
  event(['performers'], 'performers', 'Up to 10 performers or teams, one per value.', { list: true }),
  event(['admissionLevel'], 'admission level', 'E.g. General admission or VIP.'),
];

const trip = (path: string[], label: string, helpText: string, extra: Partial<InputField> = {}) =>
  nested(['trip', ...path], `Trip: ${label}`, `${forStyle('boardingPass')} ${helpText}`, extra);

const stop = (end: 'origin' | 'destination', time: InputField): InputField[] => [
  trip([end, 'name'], `${end} name`, 'Required with it: the airport, station or port, e.g. Frankfurt.'),
  trip([end, 'code'], `${end} code`, 'Airport IATA code (3 capital letters, required for air) or station code.'),
  time,
  trip([end, 'terminal'], `${end} terminal`, 'The terminal.'),
  trip([end, 'gate'], `${end} gate`, 'The gate.'),
  trip([end, 'platform'], `${end} platform`, 'The platform or track.'),
];

const tripFields: InputField[] = [
  trip(['carrier'], 'carrier', 'Required with it: the airline or operator, e.g. Lufthansa.'),
  trip(['carrierCode'], 'carrier code', 'The airline IATA code, e.g. LH; required for air.'),
  trip(['number'], 'flight or route number', 'Without the airline code, e.g. 454; required for air.'),
  ...stop('origin', trip(['origin', 'departsAt'], 'departs at', 'Required with it: when the trip departs.', { type: 'datetime' })),
  ...stop('destination', trip(['destination', 'arrivesAt'], 'arrives at', 'When the trip arrives.', { type: 'datetime' })),
  trip(['boardsAt'], 'boards at', 'When boarding starts.', { type: 'datetime' }),
  trip(['passenger'], 'passenger', 'Required with it: the name of the passenger.'),
  trip(['seat'], 'seat', 'The seat, e.g. 14C.'),
  trip(['boardingGroup'], 'boarding group', 'The boarding group or zone.'),
  trip(['cabin'], 'cabin', 'The class of travel, e.g. Economy.'),
  trip(['confirmationNumber'], 'confirmation number', 'The booking reference.'),
];

const pointsFields: InputField[] = [
  nested(['points', 'balance'], 'Points: balance', `${forStyle('storeCard')} The loyalty balance, e.g. 1250.`, {
    type: 'number',
  }),
  nested(['points', 'label'], 'Points: label', `${forStyle('storeCard')} The caption of the balance; default POINTS.`),
];

/** Line items of language, text and translation; Zapier has no nested line items, so each row names its language. */
export const translationRows: InputField = {
  key: 'translations',
  label: 'Translations',
  children: [
    {
      key: 'translationsLanguage',
      label: 'Translation: language',
      helpText:
        'One row per text and language: phones set to that language show the translation. A BCP 47 language tag, e.g. de, fr or pt-BR.',
    },
    {
      key: 'translationsSource',
      label: 'Translation: text',
      helpText: 'A text of the pass (a label, value, logo text, description…), exactly as it appears in it, e.g. POINTS.',
    },
    { key: 'translationsTranslation', label: 'Translation: translated text', helpText: 'The text in that language, e.g. PUNKTE.' },
  ],
};

const STYLE_DATA: Record<string, InputField[]> = {
  eventTicket: eventFields,
  boardingPass: [transitTypeField, ...tripFields],
  storeCard: pointsFields,
};

/** Every field of the style data, for building bodies: the style and what each style takes. */
export const styleFields: InputField[] = [styleField, ...Object.values(STYLE_DATA).flat()];

/**
 * The fields of the style the Zap picked, as Zapier's dynamic fields: shown once a style is
 * chosen. A style mapped from an earlier step is not known when the Zap is edited, so it shows
 * the fields of every style.
 * @see https://docs.zapier.com/platform/build/dynamic-field
 */
export function styleDataFields(style: unknown): InputField[] {
  if (style === undefined || style === null || style === '') return [];
  if (typeof style === 'string' && (styleField.choices ?? []).includes(style)) return STYLE_DATA[style] ?? [];
  return Object.values(STYLE_DATA).flat();
}

/** Translation line items (`{ translationsLanguage, translationsSource, translationsTranslation }`) as the API's table. */
export function translationsOf(rows: Record<string, unknown>[]): Record<string, Record<string, string>> | undefined {
  const translations: Record<string, Record<string, string>> = {};
  for (const row of rows) {
    const language = String(row.language ?? '').trim();
    const table = (translations[language] ??= {});
    table[String(row.source ?? '')] = String(row.translation ?? '');
  }
  return Object.keys(translations).length > 0 ? translations : undefined;
}
