import { type Problems, errorText, inPassJson, joinPath } from './problems';

const PASS_JSON = { file: 'pass.json' };
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function hasBom(bytes: Uint8Array): boolean {
  return UTF8_BOM.every((byte, index) => bytes[index] === byte);
}

/** Decodes and parses pass.json; returns `undefined` when it is not JSON at all. */
export function parsePassJson(bytes: Uint8Array, problems: Problems): { value: unknown } | undefined {
  let body = bytes;
  if (hasBom(bytes)) {
    problems.error('pass_json_bom', 'pass.json starts with a UTF-8 byte order mark; Wallet rejects it. Save it as UTF-8 without BOM.', PASS_JSON);
    body = bytes.subarray(UTF8_BOM.length);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    problems.error('pass_json_not_utf8', 'pass.json is not valid UTF-8.', PASS_JSON);
    return undefined;
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    problems.error('pass_json_invalid', `pass.json is not valid JSON (${errorText(error)}).`, PASS_JSON);
    return undefined;
  }
}

/** Wallet rejects `null` anywhere in pass.json; walked iteratively because JSON nesting depth is unbounded. */
export function checkNoNulls(value: unknown, problems: Problems): void {
  const pending: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    if (item.value === null) {
      problems.error('null_value', `${item.path === '' ? 'pass.json' : item.path} is null; omit the key instead.`, inPassJson(item.path));
    } else if (typeof item.value === 'object') {
      const entries = Object.entries(item.value as object).reverse();
      for (const [key, child] of entries) pending.push({ value: child, path: joinPath(item.path, key) });
    }
  }
}
