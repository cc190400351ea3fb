// What a phone set to another language shows: Wallet swaps every pass.json string that is a key of
// that language's pass.strings, Google picks the matching translatedValues entry. The preview does
// the same from the body's translations table, so it works before either side carries them.

/** The translation of `text` in `language`, or the text itself. */
export function translate(text, language, translations) {
  if (!language || typeof text !== 'string') return text;
  const table = tableFor(language, translations);
  return table && Object.prototype.hasOwnProperty.call(table, text) && table[text] !== '' ? table[text] : text;
}

function tableFor(language, translations) {
  if (!translations) return undefined;
  const wanted = language.toLowerCase();
  const tag = Object.keys(translations).find((candidate) => candidate.toLowerCase() === wanted);
  return tag === undefined ? undefined : translations[tag];
}

/** A Google LocalizedString in `language`: its own translatedValues first, then the body's table. */
export function localizedText(value, language, translations) {
  if (!value) return '';
  if (typeof value === 'string') return translate(value, language, translations);
  const fallback = value.defaultValue ? value.defaultValue.value : '';
  if (language && Array.isArray(value.translatedValues)) {
    const wanted = language.toLowerCase();
    const match = value.translatedValues.find((entry) => String(entry.language).toLowerCase() === wanted);
    if (match) return match.value;
  }
  return translate(fallback, language, translations);
}

const DATE_STYLES = { PKDateStyleShort: 'short', PKDateStyleMedium: 'medium', PKDateStyleLong: 'long', PKDateStyleFull: 'full' };

/**
 * A pass.json field's value as Wallet shows it: dates and times in the phone's locale when the
 * field asks for a date style, numbers and currencies likewise.
 * @see https://developer.apple.com/documentation/walletpasses/passfieldcontent
 */
export function formatFieldValue(field, language) {
  const locale = language || undefined;
  const value = field.value;
  try {
    if ((field.dateStyle || field.timeStyle) && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
      const options = {};
      if (DATE_STYLES[field.dateStyle]) options.dateStyle = DATE_STYLES[field.dateStyle];
      if (DATE_STYLES[field.timeStyle]) options.timeStyle = DATE_STYLES[field.timeStyle];
      // ignoresTimeZone: the time as given (the venue's clock), not converted to the phone's zone.
      if (field.ignoresTimeZone) return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(wallClock(value));
      return new Intl.DateTimeFormat(locale, options).format(new Date(value));
    }
    if (typeof value === 'number' && field.currencyCode) {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: field.currencyCode }).format(value);
    }
    if (typeof value === 'number' && field.numberStyle === 'PKNumberStylePercent') {
      return new Intl.NumberFormat(locale, { style: 'percent' }).format(value);
    }
    if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  } catch {
    // An unknown locale or currency: show the raw value, as an older phone would.
  }
  return String(value);
}

/** The instant whose UTC reading is the wall-clock time an ISO date-time was written in. */
function wallClock(iso) {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(iso);
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return new Date(Date.parse(iso) + offsetMinutes * 60_000);
}

/** An ISO date-time as a short local date and time (in the offset it was given in). */
export function formatDateTime(iso, language, withDate = true) {
  if (!iso || Number.isNaN(Date.parse(iso))) return '';
  // The place's own clock, printed as UTC: what a traveller expects to read.
  const local = wallClock(iso);
  const options = withDate ? { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' } : { timeStyle: 'short', timeZone: 'UTC' };
  try {
    return new Intl.DateTimeFormat(language || undefined, options).format(local);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(local);
  }
}
