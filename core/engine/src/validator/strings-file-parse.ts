// Hand-written on purpose: the validator shares no code with the generator (docs/validator.md).

export type StringsDecodeResult = { ok: true; text: string; encoding: string } | { ok: false; reason: string };

/**
 * The text of a `.strings` file as NSBundle reads it: UTF-16 with a byte order mark (either
 * endianness), UTF-8 with or without one. UTF-16 without a BOM cannot be told apart reliably,
 * and other legacy encodings are not what a pass should ship.
 * @see https://developer.apple.com/library/archive/documentation/Cocoa/Conceptual/LoadingResources/Strings/Strings.html
 */
export function decodeStringsFile(bytes: Uint8Array): StringsDecodeResult {
  const decode = (encoding: string, from: number) =>
    new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { ok: true, text: decode('utf-16le', 2), encoding: 'UTF-16LE' };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { ok: true, text: decode('utf-16be', 2), encoding: 'UTF-16BE' };
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
    return { ok: true, text: decode('utf-8', bom ? 3 : 0), encoding: 'UTF-8' };
  } catch {
    const utf16 = bytes[0] === 0xff || bytes[0] === 0xfe;
    return {
      ok: false,
      reason: utf16 ? 'its UTF-16 text is malformed' : 'it is neither UTF-8 nor UTF-16 with a byte order mark',
    };
  }
}

export type StringsParseResult = { ok: true; entries: [string, string][] } | { ok: false; reason: string; line: number };

class StringsSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Characters an unquoted key or value may use (old-style property list strings). */
const UNQUOTED = /[A-Za-z0-9_$+/:.-]/;
const SIMPLE_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * The grammar of a strings file: `key = value;` entries (or `key;`, whose value is the key),
 * keys and values quoted (with C escapes, `\U` plus up to four hex digits, octal) or bare, and
 * `/* … *\/` or `//` comments anywhere between tokens.
 * @see https://developer.apple.com/library/archive/documentation/MacOSX/Conceptual/BPInternational/Articles/NotesForLocalizers.html
 */
export function parseStringsFile(text: string): StringsParseResult {
  const reader = new Reader(text);
  const entries: [string, string][] = [];
  try {
    for (reader.skipBlank(); !reader.done(); reader.skipBlank()) {
      const key = reader.string('a key');
      reader.skipBlank();
      let value = key;
      if (reader.peek() === '=') {
        reader.next();
        reader.skipBlank();
        value = reader.string('a value');
        reader.skipBlank();
      }
      reader.expect(';');
      entries.push([key, value]);
    }
  } catch (error) {
    if (!(error instanceof StringsSyntaxError)) throw error;
    return { ok: false, reason: error.message, line: text.slice(0, error.offset).split('\n').length };
  }
  return { ok: true, entries };
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.at];
  }

  next(): string {
    const character = this.text[this.at];
    if (character === undefined) throw new StringsSyntaxError('the file ends in the middle of an entry', this.at);
    this.at += 1;
    return character;
  }

  expect(character: string): void {
    const found = this.peek();
    if (found !== character) {
      throw new StringsSyntaxError(`expected "${character}" but found ${found === undefined ? 'the end' : JSON.stringify(found)}`, this.at);
    }
    this.at += 1;
  }

  skipBlank(): void {
    for (;;) {
      while (/\s/.test(this.peek() ?? '')) this.at += 1;
      if (this.text.startsWith('/*', this.at)) {
        const end = this.text.indexOf('*/', this.at + 2);
        if (end < 0) throw new StringsSyntaxError('a /* comment is never closed', this.at);
        this.at = end + 2;
      } else if (this.text.startsWith('//', this.at)) {
        const end = this.text.indexOf('\n', this.at);
        this.at = end < 0 ? this.text.length : end + 1;
      } else {
        return;
      }
    }
  }

  string(what: string): string {
    if (this.peek() === '"') return this.quoted();
    const start = this.at;
    while (UNQUOTED.test(this.peek() ?? '')) this.at += 1;
    if (this.at === start) {
      const found = this.peek();
      throw new StringsSyntaxError(`expected ${what} but found ${found === undefined ? 'the end' : JSON.stringify(found)}`, this.at);
    }
    return this.text.slice(start, this.at);
  }

  private quoted(): string {
    const start = this.at;
    this.at += 1;
    let result = '';
    for (;;) {
      if (this.done()) throw new StringsSyntaxError('a quoted string is never closed', start);
      const character = this.next();
      if (character === '"') return result;
      result += character === '\\' ? this.escape() : character;
    }
  }

  private escape(): string {
    const character = this.next();
    if (character === 'U' || character === 'u') return String.fromCharCode(parseInt(this.digits(/[0-9A-Fa-f]/, 4), 16) || 0);
    if (/[0-7]/.test(character)) {
      this.at -= 1;
      return String.fromCharCode(parseInt(this.digits(/[0-7]/, 3), 8));
    }
    return SIMPLE_ESCAPES[character] ?? character;
  }

  private digits(pattern: RegExp, max: number): string {
    const start = this.at;
    while (this.at - start < max && pattern.test(this.peek() ?? '')) this.at += 1;
    return this.text.slice(start, this.at);
  }
}
