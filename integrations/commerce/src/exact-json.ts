// A JSON number token: optional minus, integer part without leading zeros, optional fraction and exponent.
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * `JSON.parse`, except that an integer beyond JavaScript's safe range (2^53 − 1) becomes the
 * string of its digits instead of a rounded number. Shops send ids as JSON numbers, and
 * Shopify's own test order is 820982911946154508, which `JSON.parse` reads as
 * 820982911946154500: a different order. Strings, fractions and safe integers are unchanged.
 * Throws a SyntaxError exactly when `JSON.parse` would (the text is checked as it came).
 */
export function parseJsonExact(text: string): unknown {
  const plain: unknown = JSON.parse(text);
  const quoted = quoteUnsafeIntegers(text);
  return quoted === text ? plain : JSON.parse(quoted);
}

function quoteUnsafeIntegers(text: string): string {
  let out = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (char === '"') {
      index = endOfString(text, index);
      continue;
    }
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) {
      NUMBER.lastIndex = index;
      const token = NUMBER.exec(text)?.[0] ?? char;
      if (/^-?\d+$/.test(token) && !Number.isSafeInteger(Number(token))) {
        out += `${text.slice(copiedUpTo, index)}"${token}"`;
        copiedUpTo = index + token.length;
      }
      index += token.length;
      continue;
    }
    index++;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

/** The index just past the string literal that opens at `start` (or the end of a truncated text). */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === '\\') index += 2;
    else if (char === '"') return index + 1;
    else index++;
  }
  return index;
}
