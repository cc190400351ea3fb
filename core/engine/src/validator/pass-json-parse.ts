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
    problems.error(
      'pass_json_bom',
      'pass.json starts with a UTF-8 byte order mark; Wallet rejects it. Save it as UTF-8 without BOM.',
      PASS_JSON,
    );
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

interface Frame {
  container: Record<string, unknown> | unknown[];
  keys: string[] | undefined;
  next: number;
  path: string;
}

function frameOf(container: object, path: string): Frame {
  const keys = Array.isArray(container) ? undefined : Object.keys(container);
  return { container: container as Frame['container'], keys, next: 0, path };
}

/** The next child of a frame, or undefined when it has none left; arrays are walked by index. */
function nextChild(frame: Frame): { key: string | number; value: unknown } | undefined {
  if (Array.isArray(frame.container)) {
    const index = frame.next++;
    return index < frame.container.length ? { key: index, value: frame.container[index] } : undefined;
  }
  const key = frame.keys?.[frame.next++];
  return key === undefined ? undefined : { key, value: frame.container[key] };
}

/**
 * Wallet rejects `null` anywhere in pass.json. Depth-first with one frame per level, so memory
 * follows the nesting (at most 64 levels reach here), not the number of values: a 1 MiB array of
 * a million numbers must not cost a worker its heap.
 */
export function checkNoNulls(value: unknown, problems: Problems): void {
  if (value === null) problems.error('null_value', 'pass.json is null; omit the key instead.', inPassJson(''));
  if (value === null || typeof value !== 'object') return;
  const stack: Frame[] = [frameOf(value, '')];
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const child = nextChild(frame);
    if (child === undefined) {
      stack.pop();
    } else if (child.value === null) {
      const path = joinPath(frame.path, child.key);
      problems.error('null_value', `${path} is null; omit the key instead.`, inPassJson(path));
    } else if (typeof child.value === 'object') {
      stack.push(frameOf(child.value, joinPath(frame.path, child.key)));
    }
  }
}
