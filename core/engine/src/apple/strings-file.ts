/**
 * Apple's `.strings` format, the one NSBundle reads `pass.strings` with: `"key" = "value";` lines.
 * Inside the quotes `"` and `\` are escaped with a backslash, and line breaks and tabs are written
 * `\n`, `\r`, `\t` so every entry stays on one line.
 * @see https://developer.apple.com/library/archive/documentation/MacOSX/Conceptual/BPInternational/Articles/NotesForLocalizers.html
 */
export function stringsFileLine(key: string, value: string): string {
  return `"${escapeStringsText(key)}" = "${escapeStringsText(value)}";`;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeStringsText(text: string): string {
  return text.replace(/["\\\n\r\t]/g, (character) => ESCAPES[character]!);
}

/** The UTF-16 byte order mark, little-endian (FF FE). */
const UTF16LE_BOM = Buffer.from([0xff, 0xfe]);

/**
 * A whole strings file, encoded the way Apple's own tools ship it inside a bundle: UTF-16
 * (little-endian) with a byte order mark. Apple's Resource Programming Guide names UTF-16 the
 * default encoding for strings files, and Xcode converts UTF-8 sources to it when it copies them
 * into a product; a .pkpass is a finished product that no Xcode build step touches, so we write
 * that form directly and every Wallet version reads it (newer ones also accept UTF-8).
 * @see https://developer.apple.com/library/archive/documentation/Cocoa/Conceptual/LoadingResources/Strings/Strings.html
 * @see https://developer.apple.com/library/archive/documentation/UserExperience/Reference/PassKit_Bundle/Chapters/PackageStructure.html
 */
export function encodeStringsFile(entries: Iterable<readonly [string, string]>): Buffer {
  return encodeStringsText(stringsFileText(entries));
}

/** The text of a strings file: one line an entry, each ending in a line break. */
export function stringsFileText(entries: Iterable<readonly [string, string]>): string {
  const lines: string[] = [];
  for (const [key, value] of entries) lines.push(stringsFileLine(key, value));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function encodeStringsText(text: string): Buffer {
  return Buffer.concat([UTF16LE_BOM, Buffer.from(text, 'utf16le')]);
}
