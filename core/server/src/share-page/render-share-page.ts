import type { CanonicalField, CanonicalPass, PassColors } from '@passmint/engine';
import type { ShareDevice } from './device';
import { escapeHtml } from './escape-html';
import { PAGE_WORDS, type PageLanguage, type PageWords } from './page-words';

export type PassState = 'active' | 'voided' | 'expired';

export interface SharePageView {
  /** The pass's texts in `passLanguage`. */
  pass: CanonicalPass;
  organizationName: string;
  /** The language of the pass's texts: the page's `lang`. */
  passLanguage: string;
  /** The language of `words`; marked with its own `lang` where it differs from the page's. */
  wordsLanguage: PageLanguage;
  words: PageWords;
  colors: PassColors;
  state: PassState;
  device: ShareDevice;
  /** Same-origin image URLs (/i/<hash>.png). */
  logoUrl: string | null;
  stripUrl: string | null;
  pkpassUrl: string;
  googleSaveUrl: string | null;
  /** An SVG QR code of the page's own URL, shown on desktops. */
  qrSvg: string;
  /** For the one <style> element the Content-Security-Policy allows. */
  styleNonce: string;
}

/**
 * The hosted install page: the pass as it looks in Wallet (logo, colours, primary and secondary
 * fields), and the action that fits the visitor's device. Plain HTML and one stylesheet; every
 * value from the pass is escaped.
 */
export function renderSharePage(view: SharePageView): string {
  const { pass } = view;
  const title = pass.logoText ?? view.organizationName;
  return `<!doctype html>
<html lang="${escapeHtml(view.passLanguage)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="robots" content="noindex">
<link rel="stylesheet" href="/assets/share.css">
<style nonce="${view.styleNonce}">:root { --pass-background: ${cssColor(view.colors.backgroundColor)}; --pass-foreground: ${cssColor(view.colors.foregroundColor)}; --pass-label: ${cssColor(view.colors.labelColor)}; }</style>
</head>
<body>
<main>
<article class="pass" aria-label="${escapeHtml(view.words.passLabel(view.organizationName))}">
${passTop(view, title)}
${primary(pass.fields.primaryFields[0])}
${fieldList([...pass.fields.secondaryFields, ...pass.fields.auxiliaryFields])}
${view.stripUrl ? `<img class="strip" src="${escapeHtml(view.stripUrl)}" alt="">` : ''}
</article>
${view.state === 'active' ? actions(view) : `<p class="status" role="status"${wordsLang(view)}>${view.words[view.state]}</p>`}
</main>
<footer>${escapeHtml(view.organizationName)}</footer>
</body>
</html>
`;
}

function passTop(view: SharePageView, title: string): string {
  const logo = view.logoUrl ? `<img src="${escapeHtml(view.logoUrl)}" alt="${escapeHtml(view.words.logoAlt(view.organizationName))}">` : '';
  const headers = view.pass.fields.headerFields.map(
    (field) =>
      `<div class="header-field">${field.label ? `<p class="label">${escapeHtml(field.label)}</p>` : ''}<p class="value">${escapeHtml(field.value)}</p></div>`,
  );
  return `<div class="pass-top">${logo}<span class="logo-text">${escapeHtml(title)}</span>${headers.join('')}</div>`;
}

function primary(field: CanonicalField | undefined): string {
  if (!field) return '';
  return `<div class="primary">${field.label ? `<p class="label">${escapeHtml(field.label)}</p>` : ''}<p class="value">${escapeHtml(field.value)}</p></div>`;
}

function fieldList(fields: CanonicalField[]): string {
  if (fields.length === 0) return '';
  const items = fields.map(
    (field) => `<div><dt class="label">${escapeHtml(field.label ?? '')}</dt><dd class="value">${escapeHtml(field.value)}</dd></div>`,
  );
  return `<dl class="fields">${items.join('')}</dl>`;
}

/** The primary action for the device first; desktops get the QR code and both buttons. */
function actions(view: SharePageView): string {
  const { words } = view;
  const lang = wordsLang(view);
  const apple = `<a class="button apple" href="${escapeHtml(view.pkpassUrl)}" data-action="apple">${escapeHtml(words.addToAppleWallet)}</a>`;
  const google = view.googleSaveUrl
    ? `<a class="button google" href="${escapeHtml(view.googleSaveUrl)}" data-action="google" rel="noopener">${escapeHtml(words.saveToGoogleWallet)}</a>`
    : '';
  if (view.device === 'apple') return `<div class="actions"${lang}>${apple}</div>`;
  if (view.device === 'android') {
    return `<div class="actions"${lang}>${google || apple.replace('button apple', 'button secondary')}</div>`;
  }
  const qr = `<figure class="qr" data-action="qr">${view.qrSvg}<p${lang}>${escapeHtml(words.scanToAdd)}</p></figure>`;
  return `${qr}<div class="actions"${lang}>${apple}${google}</div>`;
}

/** A `lang` attribute for the page's own words when they are not in the pass's language. */
function wordsLang(view: SharePageView): string {
  const pagePrimary = view.passLanguage.split('-')[0]?.toLowerCase();
  return pagePrimary === view.wordsLanguage ? '' : ` lang="${view.wordsLanguage}"`;
}

/** Colours come from our own computation (`rgb(r, g, b)`); anything else is refused rather than trusted. */
function cssColor(color: string): string {
  return /^rgb\(\d{1,3}, \d{1,3}, \d{1,3}\)$/.test(color) ? color : 'rgb(0, 0, 0)';
}

/** The 404 page for an unknown serial, in the visitor's language when the page knows it. */
export function renderNotFoundPage(language: PageLanguage = 'en'): string {
  const words = PAGE_WORDS[language];
  return `<!doctype html>
<html lang="${language}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(words.notFoundTitle)}</title><link rel="stylesheet" href="/assets/share.css"></head>
<body><main><p class="status" role="status">${escapeHtml(words.notFound)}</p></main></body>
</html>
`;
}
