type JsonObject = Record<string, unknown>;

/**
 * Applies a JSON merge patch to a JSON value and returns the result, leaving both inputs as they
 * are: an object patch merges member by member (null removes a member, an object merges into an
 * object, anything else replaces), any other patch replaces the target whole, arrays included.
 * Results are built with Object.fromEntries, so a `__proto__` member stays a plain member.
 * @see https://www.rfc-editor.org/rfc/rfc7396#section-2
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return patch;
  const merged = new Map<string, unknown>(isJsonObject(target) ? Object.entries(target) : []);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) merged.delete(name);
    else merged.set(name, applyMergePatch(merged.get(name), value));
  }
  return Object.fromEntries(merged);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
