// The form ⇄ the POST /api/passes body. Every input names its place in the body (data-path, the
// schema's property names); empty inputs and sections the chosen style does not use are left out.
import { el } from './designer-apple.js';

const form = document.getElementById('designer');
const ROW_PARTS = {
  locations: [
    ['latitude', 'number', 'Latitude'],
    ['longitude', 'number', 'Longitude'],
    ['relevantText', 'text', 'Lock-screen text nearby'],
  ],
  field: [
    ['label', 'text', 'Label'],
    ['value', 'text', 'Value'],
    ['changeMessage', 'text', 'Change message (%@ = new value)'],
  ],
};

export function chosenStyle() {
  const checked = form.querySelector('input[name="style"]:checked');
  return checked ? checked.value : '';
}

/** Shows the sections and images the chosen style uses; the others are hidden and not sent. */
export function applyStyleVisibility() {
  const style = chosenStyle() || 'auto';
  for (const node of document.querySelectorAll('[data-styles]')) node.hidden = !node.dataset.styles.split(' ').includes(style);
  for (const choice of form.querySelectorAll('.style-choice')) choice.classList.toggle('chosen', choice.querySelector('input').checked);
}

function isUsed(node) {
  return !node.closest('[data-styles][hidden]');
}

function setPath(target, path, value) {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = node[part] || (node[part] = {});
  node[parts[parts.length - 1]] = value;
}

/** The value an input contributes, or undefined when it is empty. */
function valueOf(input) {
  const type = input.dataset.type;
  if (type === 'boolean') return input.checked ? true : undefined;
  const raw = input.value.trim();
  if (raw === '') return undefined;
  if (type === 'number') return Number(raw);
  if (type === 'lines') {
    const lines = raw
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.length > 0 ? lines : undefined;
  }
  if (type === 'datetime') {
    const offset = form.querySelector(`[data-offset-for="${input.dataset.path}"]`);
    // datetime-local gives wall-clock time; the offset says where that clock hangs.
    return `${raw.length === 16 ? `${raw}:00` : raw}${offset ? offset.value : 'Z'}`;
  }
  return input.value;
}

export function rowsOf(group) {
  return [...document.querySelectorAll(`[data-rows="${group}"] .row`)]
    .map((row) => {
      const item = {};
      for (const input of row.querySelectorAll('input')) {
        if (input.value.trim() === '') continue;
        item[input.dataset.part] = input.dataset.kind === 'number' ? Number(input.value) : input.value;
      }
      return item;
    })
    .filter((item) => Object.keys(item).length > 0);
}

function translationsOf() {
  const result = {};
  for (const block of document.querySelectorAll('#languages .language-block')) {
    const table = {};
    for (const row of block.querySelectorAll('.row')) {
      const [source, target] = row.querySelectorAll('input');
      if (source.value !== '' && target.value !== '') table[source.value] = target.value;
    }
    // A language with nothing translated yet would only be an empty pass.strings.
    if (Object.keys(table).length > 0) result[block.dataset.language] = table;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/** The body exactly as the API takes it. */
export function body() {
  const result = {};
  const style = chosenStyle();
  if (style) result.style = style;
  for (const input of form.querySelectorAll('[data-path]')) {
    if (!isUsed(input)) continue;
    const value = valueOf(input);
    if (value !== undefined) setPath(result, input.dataset.path, value);
  }
  for (const group of ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields', 'locations']) {
    const rows = rowsOf(group);
    if (rows.length > 0) result[group] = rows;
  }
  const translations = translationsOf();
  if (translations) result.translations = translations;
  return result;
}

export function addRow(container, group, values, onChange) {
  const parts = group === 'locations' ? ROW_PARTS.locations : ROW_PARTS.field;
  const row = el('div', 'row');
  for (const [name, kind, title] of parts) {
    const input = el('input');
    Object.assign(input, { placeholder: title, defaultValue: (values && values[name]) || '' });
    input.setAttribute('aria-label', title);
    input.dataset.part = name;
    input.dataset.kind = kind;
    if (kind === 'number') Object.assign(input, { type: 'number', step: 'any' });
    row.append(input);
  }
  row.append(removeButton(row, onChange));
  container.append(row);
  return row;
}

function removeButton(row, onChange) {
  const remove = el('button', 'remove', '✕');
  remove.type = 'button';
  remove.setAttribute('aria-label', 'Remove');
  remove.addEventListener('click', () => {
    row.remove();
    onChange();
  });
  return remove;
}

/** Offsets every zone uses, the browser's own chosen first. */
export function fillOffsets() {
  const own = -new Date().getTimezoneOffset();
  const format = (minutes) => {
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  };
  const offsets = [];
  for (let minutes = -12 * 60; minutes <= 14 * 60; minutes += 30) offsets.push(minutes);
  offsets.push(345, 525, 765);
  if (!offsets.includes(own)) offsets.push(own);
  offsets.sort((a, b) => a - b);
  for (const select of form.querySelectorAll('[data-offset-for]')) {
    for (const minutes of offsets) {
      const option = el('option', '', format(minutes));
      option.value = format(minutes);
      option.selected = minutes === own;
      select.append(option);
    }
  }
}

/** A language's block of source → translation rows. */
/** The languages added in the editor, translated or not yet. */
export function editedLanguages() {
  return [...document.querySelectorAll('#languages .language-block')].map((block) => block.dataset.language);
}

export function addLanguage(tag, onChange) {
  const container = document.getElementById('languages');
  if (!tag || container.querySelector(`[data-language="${CSS.escape(tag)}"]`)) return null;
  const block = el('fieldset', 'language-block');
  block.dataset.language = tag;
  const legend = el('legend', '', tag);
  const rows = el('div', 'translation-rows');
  const add = el('button', 'add', 'Add text');
  add.type = 'button';
  add.addEventListener('click', () => addTranslationRow(rows, '', '', onChange));
  const fill = el('button', 'add', 'Add every text of the pass');
  fill.type = 'button';
  fill.dataset.fill = tag;
  const remove = el('button', 'remove', 'Remove language');
  remove.type = 'button';
  remove.addEventListener('click', () => {
    block.remove();
    onChange();
  });
  const error = el('p', 'error');
  error.dataset.errorFor = `translations.${tag}`;
  block.append(legend, rows, add, fill, remove, error);
  container.append(block);
  onChange();
  return block;
}

export function addTranslationRow(rows, source, target, onChange) {
  const row = el('div', 'row translation');
  const from = el('input');
  Object.assign(from, { placeholder: 'text on the pass', defaultValue: source });
  from.setAttribute('list', 'passTexts');
  from.setAttribute('aria-label', 'source text');
  const to = el('input');
  Object.assign(to, { placeholder: 'translation', defaultValue: target });
  to.setAttribute('aria-label', 'translation');
  row.append(from, el('span', 'arrow', '→'), to, removeButton(row, onChange));
  rows.append(row);
  return row;
}

/**
 * The texts of a pass.json that Wallet looks up in pass.strings, as the engine's
 * `localizableTexts` lists them: the rows "Add every text of the pass" makes.
 * @see https://developer.apple.com/documentation/walletpasses/passfieldcontent
 */
export function passTexts(passJson) {
  const texts = new Set([passJson.organizationName, passJson.description, passJson.logoText]);
  for (const style of ['generic', 'storeCard', 'eventTicket', 'coupon', 'boardingPass']) {
    for (const fields of Object.values(passJson[style] || {})) {
      if (!Array.isArray(fields)) continue;
      for (const field of fields) for (const key of ['label', 'value', 'changeMessage', 'attributedValue']) texts.add(field[key]);
    }
  }
  for (const location of passJson.locations || []) texts.add(location.relevantText);
  for (const beacon of passJson.beacons || []) texts.add(beacon.relevantText);
  for (const barcode of passJson.barcodes || []) texts.add(barcode.altText);
  return [...texts].filter((text) => typeof text === 'string' && text !== '');
}
