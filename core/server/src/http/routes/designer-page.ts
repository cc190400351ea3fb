import { BARCODE_FORMATS, COLOR_PRESETS, IMAGE_FIELDS, LIMITS, PASS_STYLES, TRANSIT_TYPES, type ImageField } from '@passmint/engine';

/**
 * The designer's HTML: one form whose inputs name their place in the pass body (`data-path`, the
 * schema's own property names), so designer.js builds the body without a field list of its own.
 * Sections marked `data-styles` only count (and only show) for those styles.
 */

type Style = (typeof PASS_STYLES)[number];

const STYLE_LABELS: Record<Style | 'auto', string> = {
  auto: 'Automatic',
  generic: 'Generic',
  storeCard: 'Store card',
  eventTicket: 'Event ticket',
  coupon: 'Coupon',
  boardingPass: 'Boarding pass',
};

/**
 * The images each style may carry on its front; "auto" is today's behaviour (a strip makes a store
 * card, a thumbnail stays on a generic pass).
 * @see https://developer.apple.com/documentation/walletpasses/creating-the-source-for-a-pass
 */
const IMAGE_STYLES: Record<ImageField, readonly (Style | 'auto')[]> = {
  logoURL: ['auto', ...PASS_STYLES],
  iconURL: ['auto', ...PASS_STYLES],
  stripURL: ['auto', 'storeCard', 'coupon', 'eventTicket'],
  thumbnailURL: ['auto', 'generic', 'eventTicket'],
  backgroundURL: ['eventTicket'],
  footerURL: ['boardingPass'],
};

const IMAGE_LABELS: Record<ImageField, [string, string]> = {
  logoURL: ['Logo', 'top left, up to 160×50 pt'],
  iconURL: ['Icon', 'notifications and the lock screen, 29×29 pt'],
  stripURL: ['Strip', 'behind the primary field, 375×144 pt (98 on event tickets)'],
  thumbnailURL: ['Thumbnail', 'beside the primary field, 90×90 pt'],
  backgroundURL: ['Background', 'blurred behind the whole front, 180×220 pt; not with a strip'],
  footerURL: ['Footer', 'above the barcode, 286×15 pt'],
};

const FIELD_GROUPS = [
  ['headerFields', 'Header', `top right, beside the logo; up to ${LIMITS.headerFields}`],
  [
    'primaryFields',
    'Primary',
    `the big text; ${LIMITS.primaryFields} (${LIMITS.boardingPassPrimaryFields} on a boarding pass: from and to)`,
  ],
  ['secondaryFields', 'Secondary', `a row under the primary field; up to ${LIMITS.secondaryFields}`],
  ['auxiliaryFields', 'Auxiliary', `the row below; up to ${LIMITS.auxiliaryFields}`],
  ['backFields', 'Back', `on the back of the pass; up to ${LIMITS.backFields}`],
] as const;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `event.venue.name` → `event-venue-name`: ids stay plain for CSS and tests. */
const idOf = (path: string) => path.replace(/\./g, '-');

interface InputOptions {
  type?: 'text' | 'number' | 'url' | 'datetime' | 'lines';
  value?: string;
  placeholder?: string;
  hint?: string;
  max?: number;
  wide?: boolean;
  attributes?: string;
}

function input(path: string, label: string, options: InputOptions = {}): string {
  const id = idOf(path);
  const kind = options.type ?? 'text';
  const common = `id="${id}" name="${path}" data-path="${path}" data-type="${kind}"`;
  const placeholder = options.placeholder ? ` placeholder="${escapeHtml(options.placeholder)}"` : '';
  const value = options.value ? ` value="${escapeHtml(options.value)}"` : '';
  const max = options.max ? ` maxlength="${options.max}"` : '';
  let control: string;
  if (kind === 'lines') control = `<textarea ${common} rows="3"${placeholder}></textarea>`;
  else if (kind === 'datetime')
    control = `<span class="datetime"><input ${common} type="datetime-local" step="60"${value}><select data-offset-for="${path}" aria-label="${escapeHtml(label)}: UTC offset"></select></span>`;
  else if (kind === 'number') control = `<input ${common} type="number" step="any"${placeholder}${value} ${options.attributes ?? ''}>`;
  else control = `<input ${common} type="text"${placeholder}${value}${max} ${options.attributes ?? ''}>`;
  const hint = options.hint ? `<small>${escapeHtml(options.hint)}</small>` : '';
  return `<div class="control${options.wide ? ' wide' : ''}"><label for="${id}">${escapeHtml(label)}</label>${control}${hint}<p class="error" data-error-for="${path}"></p></div>`;
}

function select(path: string, label: string, options: readonly string[], blank?: string): string {
  const id = idOf(path);
  const items = [
    ...(blank === undefined ? [] : [`<option value="">${escapeHtml(blank)}</option>`]),
    ...options.map((option) => `<option>${option}</option>`),
  ];
  return `<div class="control"><label for="${id}">${label}</label><select id="${id}" name="${path}" data-path="${path}" data-type="text">${items.join('')}</select><p class="error" data-error-for="${path}"></p></div>`;
}

function panel(id: string, title: string, content: string, options: { styles?: readonly string[]; open?: boolean } = {}): string {
  const styles = options.styles ? ` data-styles="${options.styles.join(' ')}"` : '';
  return `<details class="panel" id="panel-${id}"${styles}${options.open === false ? '' : ' open'}><summary>${title}</summary><div class="panel-body">${content}</div></details>`;
}

function stylePicker(): string {
  const choices = (['auto', ...PASS_STYLES] as const).map(
    (style) =>
      `<label class="style-choice"><input type="radio" name="style" value="${style === 'auto' ? '' : style}"${style === 'auto' ? ' checked' : ''}><span class="glyph glyph-${style}" aria-hidden="true"></span><span>${STYLE_LABELS[style]}</span></label>`,
  );
  return `<fieldset class="style-picker" id="stylePicker"><legend>Pass style</legend>${choices.join('')}</fieldset><p class="error" data-error-for="style"></p>`;
}

function styleSection(): string {
  const swatches = COLOR_PRESETS.map(
    (preset) => `<span class="swatch swatch-${preset}" data-swatch="${preset}" title="${preset}"></span>`,
  ).join('');
  return panel(
    'style',
    'Style',
    `${stylePicker()}
<div class="grid" data-styles="boardingPass">${select('transitType', 'Transit type', TRANSIT_TYPES)}</div>
<div class="grid">
${select('colorPreset', 'Colour preset', COLOR_PRESETS, '(default)')}
<div class="control"><label for="color">Custom colour</label><span class="colour"><input type="color" id="colorPicker" aria-label="Pick a custom colour" value="#1c1c1e"><input id="color" name="color" data-path="color" data-type="text" placeholder="#RRGGBB (overrides the preset)"></span><p class="error" data-error-for="color"></p></div>
</div>
<div class="swatches" aria-hidden="true">${swatches}</div>
<div class="grid">
${input('expirationDays', 'Expires after (days)', { type: 'number', attributes: `min="${LIMITS.expirationDaysMin}" max="${LIMITS.expirationDaysMax}"` })}
<div class="control check"><label><input type="checkbox" id="sharingProhibited" data-path="sharingProhibited" data-type="boolean"> Sharing prohibited</label></div>
</div>`,
  );
}

function textsSection(): string {
  return panel(
    'texts',
    'Texts',
    `<div class="grid">
${input('logoText', 'Logo text', { value: 'Bayroast Coffee', max: LIMITS.logoText, hint: 'beside the logo' })}
${input('organizationName', 'Organization name', { max: LIMITS.organizationName, hint: 'your tenant name when empty' })}
${input('description', 'Description', { max: LIMITS.description, wide: true, hint: 'what VoiceOver reads; the Google hero image text' })}
</div>`,
  );
}

function fieldsSection(): string {
  const groups = FIELD_GROUPS.map(
    ([group, label, hint]) =>
      `<fieldset class="rows"><legend>${label} <small>${escapeHtml(hint)}</small></legend><div data-rows="${group}"></div><button type="button" class="add" data-add="${group}">Add ${label.toLowerCase()} field</button><p class="error" data-error-for="${group}"></p></fieldset>`,
  );
  return panel('fields', 'Fields', groups.join(''));
}

function imagesSection(): string {
  const slots = IMAGE_FIELDS.map((field) => {
    const [label, hint] = IMAGE_LABELS[field];
    return `<div class="image-slot" data-styles="${IMAGE_STYLES[field].join(' ')}"><div class="image-thumb" data-thumb="${field}"></div><div class="image-inputs">
<label for="${field}">${label} <small>${escapeHtml(hint)}</small></label>
<input id="${field}" name="${field}" data-path="${field}" data-type="text" placeholder="https://… or data:image/png;base64,…">
<label class="upload">Upload PNG<input type="file" accept="image/png" data-upload="${field}"></label>
<p class="error" data-error-for="${field}"></p></div></div>`;
  });
  return panel('images', 'Images', `<p class="note">Only the images this style shows are sent.</p>${slots.join('')}`);
}

function barcodeSection(): string {
  return panel(
    'barcode',
    'Barcode',
    `<div class="grid">
${select('barcodeFormat', 'Format', BARCODE_FORMATS)}
${input('barcodeValue', 'Value', { value: 'LOYALTY-98765', max: LIMITS.barcodeValue })}
${input('barcodeAltText', 'Text under the barcode', { max: LIMITS.barcodeAltText, hint: 'defaults to the value when short' })}
</div>`,
  );
}

function eventSection(): string {
  return panel(
    'event',
    'Event',
    // Issues about the whole section ("is required for style …") land on top of it.
    `<p class="error" data-error-for="event"></p><div class="grid">
${input('event.name', 'Event name', { wide: true, max: LIMITS.eventName, placeholder: 'Midsummer Jazz Night' })}
${input('event.startsAt', 'Starts', { type: 'datetime' })}
${input('event.endsAt', 'Ends', { type: 'datetime' })}
${input('event.doorsOpenAt', 'Doors open', { type: 'datetime' })}
${input('event.admissionLevel', 'Admission level', { max: LIMITS.shortText, placeholder: 'General admission' })}
</div>
<h3>Venue</h3><div class="grid">
${input('event.venue.name', 'Venue name', { max: LIMITS.placeName })}
${input('event.venue.entrance', 'Entrance', { max: LIMITS.shortText, placeholder: 'Gate B' })}
${input('event.venue.address', 'Address', { wide: true, max: LIMITS.address })}
${input('event.venue.latitude', 'Latitude', { type: 'number', attributes: 'min="-90" max="90"' })}
${input('event.venue.longitude', 'Longitude', { type: 'number', attributes: 'min="-180" max="180"' })}
</div>
<h3>Seat</h3><div class="grid four">
${input('event.seat.section', 'Section', { max: LIMITS.shortText })}
${input('event.seat.row', 'Row', { max: LIMITS.shortText })}
${input('event.seat.number', 'Seat', { max: LIMITS.shortText })}
${input('event.seat.type', 'Seat type', { max: LIMITS.shortText, placeholder: 'Standing' })}
</div>
<div class="grid">${input('event.performers', 'Performers (one per line)', { type: 'lines', wide: true })}</div>`,
    { styles: ['eventTicket'] },
  );
}

function stop(which: 'origin' | 'destination', title: string, time: [string, string]): string {
  const path = `trip.${which}`;
  return `<h3>${title}</h3><div class="grid four">
${input(`${path}.code`, 'Code', { max: LIMITS.stopCode, placeholder: which === 'origin' ? 'SFO' : 'JFK' })}
${input(`${path}.name`, 'Name', { max: LIMITS.placeName, placeholder: which === 'origin' ? 'San Francisco' : 'New York' })}
${input(`${path}.${time[0]}`, time[1], { type: 'datetime' })}
${input(`${path}.terminal`, 'Terminal', { max: LIMITS.shortText })}
${input(`${path}.gate`, 'Gate', { max: LIMITS.shortText })}
${input(`${path}.platform`, 'Platform', { max: LIMITS.shortText })}
</div>`;
}

function tripSection(): string {
  return panel(
    'trip',
    'Trip',
    // Issues about the whole section ("is required for style …") land on top of it.
    `<p class="error" data-error-for="trip"></p><div class="grid">
${input('trip.carrier', 'Carrier', { max: LIMITS.carrierName, placeholder: 'Skyline Air' })}
${input('trip.carrierCode', 'Carrier code', { max: LIMITS.stopCode, placeholder: 'SK', hint: 'IATA, required for air' })}
${input('trip.number', 'Flight or route number', { max: LIMITS.shortText, placeholder: '454' })}
${input('trip.boardsAt', 'Boarding', { type: 'datetime' })}
</div>
${stop('origin', 'From', ['departsAt', 'Departs'])}
${stop('destination', 'To', ['arrivesAt', 'Arrives'])}
<h3>Passenger</h3><div class="grid">
${input('trip.passenger', 'Passenger', { max: LIMITS.personName })}
${input('trip.seat', 'Seat', { max: LIMITS.shortText })}
${input('trip.boardingGroup', 'Boarding group', { max: LIMITS.shortText })}
${input('trip.cabin', 'Cabin', { max: LIMITS.shortText, placeholder: 'Economy' })}
${input('trip.confirmationNumber', 'Confirmation', { max: LIMITS.shortText })}
</div>`,
    { styles: ['boardingPass'] },
  );
}

function pointsSection(): string {
  return panel(
    'points',
    'Points',
    // Issues about the whole section ("is required for style …") land on top of it.
    `<p class="error" data-error-for="points"></p><div class="grid">
${input('points.balance', 'Balance', { type: 'number', attributes: `min="${LIMITS.pointsMin}" max="${LIMITS.pointsMax}"` })}
${input('points.label', 'Label', { max: LIMITS.fieldLabel, placeholder: 'POINTS' })}
</div>`,
    { styles: ['storeCard'] },
  );
}

function locationsSection(): string {
  return panel(
    'locations',
    'Date and locations',
    `<div class="grid">${input('relevantDate', 'Relevant date', { type: 'datetime', hint: 'the lock screen offers the pass around then' })}</div>
<p class="note">Wallet shows the pass on the lock screen near these places (up to ${LIMITS.locations}).</p><div data-rows="locations"></div><button type="button" class="add" data-add="locations">Add location</button><p class="error" data-error-for="locations"></p>`,
    { open: false },
  );
}

function translationsSection(): string {
  return panel(
    'translations',
    'Translations',
    `<div class="grid">
${input('defaultLanguage', 'Language of the texts above', { placeholder: 'en', max: LIMITS.languageTag, hint: 'BCP 47, e.g. en, de, pt-BR' })}
<div class="control"><label for="newLanguage">Add a language</label><span class="inline"><input id="newLanguage" placeholder="de" maxlength="${LIMITS.languageTag}"><button type="button" id="addLanguage">Add</button></span></div>
</div>
<p class="error" data-error-for="translations"></p>
<div id="languages"></div>`,
    { open: false },
  );
}

function previewColumn(): string {
  return `<aside class="side"><section class="previews" aria-label="Preview">
<div class="preview-bar">
<div class="tabs" role="tablist"><button type="button" role="tab" data-tab="apple" aria-selected="true">Apple Wallet</button><button type="button" role="tab" data-tab="google" aria-selected="false">Google Wallet</button><button type="button" role="tab" data-tab="both" aria-selected="false">Both</button></div>
<label class="language">Phone language <select id="previewLanguage"><option value="">default</option></select></label>
</div>
<div class="phones" data-show="apple">
<div class="phone" data-phone="apple"><div id="applePreview" class="card apple" aria-live="polite"></div><div id="appleBack"></div></div>
<div class="phone" data-phone="google"><div id="googlePreview" class="card google" aria-live="polite"></div></div>
</div>
<p id="problems" role="alert"></p><ul id="warnings"></ul><datalist id="passTexts"></datalist>
<div class="actions"><button type="button" id="download" class="primary">Download signed preview (.pkpass)</button></div>
</section>
<section class="code" aria-label="The request">
<details class="panel code-panel" open><summary>JSON body</summary><div class="panel-body"><button type="button" class="copy" data-copy="jsonBody">Copy</button><pre id="jsonBody"></pre></div></details>
<details class="panel code-panel"><summary>curl</summary><div class="panel-body"><button type="button" class="copy" data-copy="curl">Copy</button><pre id="curl"></pre></div></details>
</section></aside>`;
}

export function designerHtml(): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Passmint pass designer</title><link rel="stylesheet" href="/assets/designer.css"><link rel="stylesheet" href="/assets/designer-controls.css"><link rel="stylesheet" href="/assets/designer-previews.css"></head>
<body>
<header class="topbar"><h1><span class="mark" aria-hidden="true"></span>Passmint <span>pass designer</span></h1>
<div class="key"><label for="apiKey">API key</label><input id="apiKey" type="password" placeholder="pm_live_… (kept in this tab only)" autocomplete="off"></div></header>
<div class="layout">
<form id="designer" autocomplete="off">
${styleSection()}
${textsSection()}
${eventSection()}
${tripSection()}
${pointsSection()}
${fieldsSection()}
${imagesSection()}
${barcodeSection()}
${locationsSection()}
${translationsSection()}
</form>
${previewColumn()}
</div>
<script src="/assets/bwip-js.js"></script>
<script type="module" src="/assets/designer.js"></script>
</body>
</html>
`;
}
