// The pass designer: builds a POST /api/passes body from the form, asks the server to render it
// (POST /api/preview, the same validation as the API) and draws what Apple Wallet and Google
// Wallet would show, with the JSON body and the curl command. Values are only ever written with
// textContent; barcodes are parsed as SVG.
import { renderApple } from './designer-apple.js';
import {
  addLanguage,
  addRow,
  addTranslationRow,
  applyStyleVisibility,
  body,
  editedLanguages,
  fillOffsets,
  passTexts,
} from './designer-body.js';
import { renderGoogle } from './designer-google.js';

const form = document.getElementById('designer');
const keyInput = document.getElementById('apiKey');
const languageSelect = document.getElementById('previewLanguage');
let timer;
let latest = 0;
let shown = null;

keyInput.value = sessionStorage.getItem('passmintKey') || '';

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(render, 150);
}

function showCode(current) {
  const json = JSON.stringify(current);
  document.getElementById('jsonBody').textContent = JSON.stringify(current, null, 2);
  document.getElementById('curl').textContent =
    `curl -X POST ${location.origin}/api/passes -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -d '${json.replace(/'/g, "'\\''")}'`;
  return json;
}

async function render() {
  const current = body();
  const json = showCode(current);
  refreshLanguages(current);
  const key = keyInput.value.trim();
  sessionStorage.setItem('passmintKey', key);
  if (!key) return showProblems([{ path: '', message: 'Enter an API key to preview.' }]);
  const request = ++latest;
  let response;
  try {
    response = await fetch('/api/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: json,
    });
  } catch {
    return showProblems([{ path: '', message: 'The server cannot be reached.' }]);
  }
  if (request !== latest) return;
  const answer = await response.json();
  if (!response.ok) return showProblems(answer.issues || [{ path: '', message: answer.error && (answer.error.message || answer.error) }]);
  showProblems([]);
  shown = { answer, body: current };
  draw();
  const warnings = document.getElementById('warnings');
  warnings.replaceChildren(
    ...(answer.warnings || []).map((warning) => Object.assign(document.createElement('li'), { textContent: warning })),
  );
}

/** The previews of the last good answer, in the language the switch shows. */
function draw() {
  if (!shown) return;
  const { answer, body: current } = shown;
  const language = languageSelect.value;
  const images = { ...imagesFromBody(current), ...(answer.images || {}) };
  for (const [role, path] of Object.entries(answer.images || {})) {
    if (!String(current[`${role}URL`] || '').startsWith('data:')) showThumb(`${role}URL`, path);
  }
  const back = renderApple(document.getElementById('applePreview'), answer.passJson, {
    images,
    language,
    translations: current.translations,
  });
  document.getElementById('appleBack').replaceChildren(...(back ? [back] : []));
  renderGoogle(document.getElementById('googlePreview'), answer.googleObject, current, answer.passJson, language, images);
  const rgb = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(answer.passJson.backgroundColor || '');
  // The picker shows the colour the pass really has, whether it came from a preset or not.
  if (rgb)
    document.getElementById('colorPicker').value = `#${rgb
      .slice(1)
      .map((part) => Number(part).toString(16).padStart(2, '0'))
      .join('')}`;
  const list = document.getElementById('passTexts');
  list.replaceChildren(...passTexts(answer.passJson).map((text) => Object.assign(document.createElement('option'), { value: text })));
}

/** Data URIs show at once; HTTPS images show once the server has fetched them (answer.images). */
function imagesFromBody(current) {
  const images = {};
  for (const role of ['logo', 'icon', 'strip', 'thumbnail', 'background', 'footer']) {
    const source = current[`${role}URL`];
    if (typeof source === 'string' && source.startsWith('data:image/png;base64,')) images[role] = source;
  }
  return images;
}

function showProblems(issues) {
  for (const node of document.querySelectorAll('.error')) node.textContent = '';
  const general = [];
  for (const issue of issues) {
    const slot = errorSlotFor(issue.path || '');
    if (slot) slot.textContent = `${issue.path}: ${issue.message}`;
    else general.push(`${issue.path || 'body'}: ${issue.message}`);
  }
  document.getElementById('problems').textContent = general.join(' ');
}

/** The closest slot: `event.venue.name`, else `event.venue`, else `event`. */
function errorSlotFor(path) {
  const parts = path.split('.');
  for (let length = parts.length; length > 0; length--) {
    const slot = document.querySelector(`.error[data-error-for="${CSS.escape(parts.slice(0, length).join('.'))}"]`);
    if (slot && !slot.closest('[hidden]')) return slot;
  }
  return null;
}

function refreshLanguages(current) {
  const languages = editedLanguages();
  const selected = languageSelect.value;
  const options = [['', `${current.defaultLanguage || 'en'} (default)`], ...languages.map((tag) => [tag, tag])];
  languageSelect.replaceChildren(
    ...options.map(([value, label]) =>
      Object.assign(document.createElement('option'), { value, textContent: label, selected: value === selected }),
    ),
  );
}

async function download() {
  const response = await fetch('/api/preview?format=pkpass', {
    method: 'POST',
    headers: { authorization: `Bearer ${keyInput.value.trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body()),
  });
  if (!response.ok) return render();
  const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(await response.blob()), download: 'preview.pkpass' });
  link.click();
}

function readUpload(event, field) {
  const file = event.target.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.addEventListener('load', () => {
    form.elements.namedItem(field).value = reader.result;
    showThumb(field);
    schedule();
  });
  reader.readAsDataURL(file);
}

/** The slot's thumbnail: an upload at once, an HTTPS image once the server has its copy (`kept`). */
function showThumb(field, kept) {
  const value = form.elements.namedItem(field).value;
  const slot = document.querySelector(`[data-thumb="${field}"]`);
  const source = value.startsWith('data:image/png;base64,') ? value : value !== '' ? kept : undefined;
  if (source) slot.replaceChildren(Object.assign(document.createElement('img'), { src: source, alt: '' }));
  else slot.replaceChildren();
}

function wire() {
  for (const button of document.querySelectorAll('[data-add]')) {
    const group = button.dataset.add;
    const container = document.querySelector(`[data-rows="${group}"]`);
    button.addEventListener('click', () => {
      addRow(container, group, {}, schedule);
      schedule();
    });
  }
  for (const upload of document.querySelectorAll('[data-upload]')) {
    upload.addEventListener('change', (event) => readUpload(event, upload.dataset.upload));
  }
  for (const field of document.querySelectorAll('.image-slot input[data-path]')) field.addEventListener('input', () => showThumb(field.id));
  for (const offset of form.querySelectorAll('[data-offset-for]')) {
    // The times of one event (or one trip) are mostly in one zone: an empty one follows the first set.
    offset.addEventListener('change', () => {
      for (const other of offset.closest('.panel').querySelectorAll('[data-offset-for]')) {
        const time = form.querySelector(`[data-path="${other.dataset.offsetFor}"]`);
        if (other !== offset && time.value === '') other.value = offset.value;
      }
    });
  }
  form.addEventListener('input', schedule);
  // A balance makes its own POINTS header field: the sample one would show it twice.
  document.getElementById('points-balance').addEventListener('input', () => dropUntouchedSamples(['headerFields']));
  form.addEventListener('change', (event) => {
    if (event.target.name === 'style') {
      applyStyleVisibility();
      if (['eventTicket', 'boardingPass'].includes(event.target.value)) dropUntouchedSamples();
    }
    schedule();
  });
  const picker = document.getElementById('colorPicker');
  picker.addEventListener('input', () => {
    document.getElementById('color').value = picker.value.toUpperCase();
    schedule();
  });
  for (const swatch of document.querySelectorAll('[data-swatch]')) {
    swatch.addEventListener('click', () => {
      document.getElementById('colorPreset').value = swatch.dataset.swatch;
      document.getElementById('color').value = '';
      schedule();
    });
  }
  document.getElementById('addLanguage').addEventListener('click', () => {
    const input = document.getElementById('newLanguage');
    const block = addLanguage(input.value.trim(), schedule);
    if (block) {
      block.querySelector('[data-fill]').addEventListener('click', () => fillLanguage(block));
      languageSelect.value = '';
      input.value = '';
    }
  });
  languageSelect.addEventListener('change', draw);
  keyInput.addEventListener('input', schedule);
  document.getElementById('download').addEventListener('click', download);
  for (const button of document.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', () => navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent));
  }
  for (const tab of document.querySelectorAll('[data-tab]')) {
    tab.addEventListener('click', () => {
      document.querySelector('.phones').dataset.show = tab.dataset.tab;
      for (const other of document.querySelectorAll('[data-tab]')) other.setAttribute('aria-selected', String(other === tab));
    });
  }
}

/** Adds a row for every text of the pass the language has no row for yet. */
function fillLanguage(block) {
  if (!shown) return;
  const rows = block.querySelector('.translation-rows');
  const present = new Set([...rows.querySelectorAll('.row input:first-child')].map((input) => input.value));
  for (const text of passTexts(shown.answer.passJson)) if (!present.has(text)) addTranslationRow(rows, text, '', schedule);
}

/** The loyalty-card sample rows the page starts with, until someone edits them. */
const SAMPLES = [
  ['headerFields', { label: 'POINTS', value: '1,250' }],
  ['primaryFields', { label: 'CARD', value: 'Coffee Rewards' }],
];
let samples = [];

/** Event tickets and boarding passes get their front from the event or trip: the coffee card's rows go. */
function dropUntouchedSamples(groups = ['headerFields', 'primaryFields']) {
  samples = samples.filter(({ group, row, values }) => {
    if (!groups.includes(group)) return true;
    const untouched = [...row.querySelectorAll('input')].every((input) => input.value === (values[input.dataset.part] || ''));
    if (untouched) row.remove();
    return false;
  });
}

fillOffsets();
wire();
applyStyleVisibility();
samples = SAMPLES.map(([group, values]) => ({
  group,
  row: addRow(document.querySelector(`[data-rows="${group}"]`), group, values, schedule),
  values,
}));
render();
