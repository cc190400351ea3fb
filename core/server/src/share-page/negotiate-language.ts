/** Past these, an Accept-Language header is read no further: browsers send a handful of ranges. */
const MAX_HEADER_LENGTH = 1024;
const MAX_RANGES = 32;

const RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/;
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

export interface LanguageRange {
  range: string;
  quality: number;
}

/**
 * The ranges of an Accept-Language header, most wanted first (ties keep the header's order);
 * ranges with q=0 ("not acceptable") and malformed entries are dropped.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-12.5.4
 */
export function parseAcceptLanguage(header: string | undefined): LanguageRange[] {
  if (!header || header.length > MAX_HEADER_LENGTH) return [];
  const ranges: LanguageRange[] = [];
  for (const entry of header.split(',').slice(0, MAX_RANGES)) {
    const [range = '', ...parameters] = entry.split(';').map((part) => part.trim());
    if (!RANGE.test(range)) continue;
    let quality: number | undefined = 1;
    for (const parameter of parameters) {
      // A weight outside 0–1 makes the entry malformed; other parameters mean nothing here.
      if (/^q=/i.test(parameter)) quality = QUALITY.test(parameter) ? Number(parameter.slice(2)) : undefined;
    }
    if (quality !== undefined && quality > 0) ranges.push({ range, quality });
  }
  return ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => b.range.quality - a.range.quality || a.index - b.index)
    .map(({ range }) => range);
}

/**
 * The first of `available` (language tags; the first is the fallback) that the visitor accepts.
 * Each range is looked up as RFC 4647 "lookup" does, dropping subtags from the end (`de-CH`
 * finds `de`); failing that, a more specific tag the range covers is taken (`de` finds `de-AT`).
 * `*` takes the fallback. Undefined when nothing matches, so the caller picks.
 * @see https://www.rfc-editor.org/rfc/rfc4647#section-3.4
 */
export function negotiateLanguage(header: string | undefined, available: readonly string[]): string | undefined {
  const byLower = new Map(available.map((tag) => [tag.toLowerCase(), tag] as const));
  for (const { range } of parseAcceptLanguage(header)) {
    if (range === '*') return available[0];
    const wanted = range.toLowerCase();
    for (let candidate = wanted; candidate !== ''; candidate = candidate.replace(/-?[^-]*$/, '')) {
      const found = byLower.get(candidate);
      if (found !== undefined) return found;
    }
    const covered = available.find((tag) => tag.toLowerCase().startsWith(`${wanted}-`));
    if (covered !== undefined) return covered;
  }
  return undefined;
}
