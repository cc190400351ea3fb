// The pass designer: builds a POST /api/passes body from the form, asks the server to render it
// (POST /api/preview, the same validation as the API) and shows Apple- and Google-style previews,
// the JSON body and the curl command. Values are only ever written with textContent.
'use strict';

const GROUPS = ['headerFields', 'primaryFields', 'secondaryFields', 'auxiliaryFields', 'backFields'];
const IMAGES = ['logoURL', 'iconURL', 'stripURL', 'thumbnailURL'];
const form = document.getElementById('designer');
const keyInput = document.getElementById('apiKey');
let timer;
let latest = 0;

keyInput.value = sessionStorage.getItem('passmintKey') || '';

function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function addRow(container, names, values) {
  const row = el('div', { class: 'row' });
  for (const name of names)
    row.append(el('input', { 'data-part': name, placeholder: name, 'aria-label': name, value: (values && values[name]) || '' }));
  const remove = el('button', { type: 'button' }, 'Remove');
  remove.addEventListener('click', () => {
    row.remove();
    schedule();
  });
  row.append(remove);
  container.append(row);
  return row;
}

function rowsOf(group) {
  return [...document.querySelectorAll(`[data-rows="${group}"] .row`)].map((row) => {
    const item = {};
    for (const input of row.querySelectorAll('input')) if (input.value !== '') item[input.dataset.part] = input.value;
    return item;
  });
}

function textValue(name) {
  const input = form.elements.namedItem(name);
  return input && input.value !== '' ? input.value : undefined;
}

/** The body exactly as the API takes it. */
function body() {
  const result = {};
  for (const name of ['barcodeValue', 'barcodeFormat', 'logoText', 'description', 'organizationName', 'colorPreset', 'color', ...IMAGES]) {
    const value = textValue(name);
    if (value !== undefined) result[name] = value;
  }
  const expiry = textValue('expirationDays');
  if (expiry !== undefined) result.expirationDays = Number(expiry);
  for (const group of GROUPS) {
    const rows = rowsOf(group).filter((row) => Object.keys(row).length > 0);
    if (rows.length > 0) result[group] = rows;
  }
  const locations = rowsOf('locations')
    .filter((row) => Object.keys(row).length > 0)
    .map((row) => ({ ...row, latitude: Number(row.latitude), longitude: Number(row.longitude) }));
  if (locations.length > 0) result.locations = locations;
  return result;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(render, 150);
}

async function render() {
  const current = body();
  const json = JSON.stringify(current);
  document.getElementById('jsonBody').textContent = JSON.stringify(current, null, 2);
  document.getElementById('curl').textContent =
    `curl -X POST ${location.origin}/api/passes -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" -d '${json.replace(/'/g, "'\\''")}'`;
  const key = keyInput.value.trim();
  sessionStorage.setItem('passmintKey', key);
  if (!key) return showProblems([{ path: '', message: 'Enter an API key to preview.' }]);
  const request = ++latest;
  const response = await fetch('/api/preview', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: json,
  });
  if (request !== latest) return;
  const answer = await response.json();
  if (!response.ok) return showProblems(answer.issues || [{ path: '', message: answer.error }]);
  showProblems([]);
  showApple(answer.passJson);
  showGoogle(answer.googleObject);
  document.getElementById('warnings').textContent = (answer.warnings || []).join(' ');
}

function showProblems(issues) {
  for (const node of document.querySelectorAll('.error')) node.textContent = '';
  const general = [];
  for (const issue of issues) {
    const top = issue.path.split('.')[0];
    const slot = document.querySelector(`.error[data-error-for="${top}"]`);
    if (slot) slot.textContent = `${issue.path}: ${issue.message}`;
    else general.push(`${issue.path || 'body'}: ${issue.message}`);
  }
  document.getElementById('problems').textContent = general.join(' ');
}

function fieldNodes(fields, big) {
  return (fields || []).flatMap((field) => [
    el('p', { class: 'label' }, field.label || ''),
    el('p', { class: big ? 'value big' : 'value' }, field.value),
  ]);
}

function showApple(passJson) {
  const card = document.getElementById('applePreview');
  const style = passJson.storeCard || passJson.generic || {};
  card.style.background = passJson.backgroundColor;
  card.style.color = passJson.foregroundColor;
  const top = el('div', { class: 'top' });
  top.append(el('span', { class: 'logo-text' }, passJson.logoText || passJson.organizationName));
  for (const field of style.headerFields || []) top.append(el('span', {}, `${field.label || ''} ${field.value}`));
  card.replaceChildren(
    top,
    ...fieldNodes(style.primaryFields, true),
    ...fieldNodes(style.secondaryFields),
    ...fieldNodes(style.auxiliaryFields),
  );
}

function showGoogle(object) {
  const card = document.getElementById('googlePreview');
  card.style.background = object.hexBackgroundColor || '#1c1c1e';
  const modules = (object.textModulesData || []).map((module) => ({ label: module.header, value: module.body }));
  card.replaceChildren(
    el('div', { class: 'top' }, object.cardTitle.defaultValue.value),
    el('p', { class: 'label' }, object.subheader ? object.subheader.defaultValue.value : ''),
    el('p', { class: 'value big google-header' }, object.header.defaultValue.value),
    ...fieldNodes(modules),
  );
}

async function download() {
  const response = await fetch('/api/preview?format=pkpass', {
    method: 'POST',
    headers: { authorization: `Bearer ${keyInput.value.trim()}`, 'content-type': 'application/json' },
    body: JSON.stringify(body()),
  });
  if (!response.ok) return render();
  const link = el('a', { href: URL.createObjectURL(await response.blob()), download: 'preview.pkpass' });
  link.click();
}

for (const group of [...GROUPS, 'locations']) {
  const container = document.querySelector(`[data-rows="${group}"]`);
  const names = group === 'locations' ? ['latitude', 'longitude', 'relevantText'] : ['label', 'value', 'changeMessage'];
  document.querySelector(`[data-add="${group}"]`).addEventListener('click', () => {
    addRow(container, names);
    schedule();
  });
}
for (const image of IMAGES) {
  document.querySelector(`[data-upload="${image}"]`).addEventListener('change', (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      form.elements.namedItem(image).value = reader.result;
      schedule();
    });
    reader.readAsDataURL(file);
  });
}
addRow(document.querySelector('[data-rows="headerFields"]'), ['label', 'value', 'changeMessage'], { label: 'POINTS', value: '1,250' });
addRow(document.querySelector('[data-rows="primaryFields"]'), ['label', 'value', 'changeMessage'], {
  label: 'CARD',
  value: 'Coffee Rewards',
});
form.addEventListener('input', schedule);
keyInput.addEventListener('input', schedule);
document.getElementById('download').addEventListener('click', download);
for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', () => navigator.clipboard.writeText(document.getElementById(button.dataset.copy).textContent));
}
render();
