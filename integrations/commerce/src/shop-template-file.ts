import { readFileSync } from 'node:fs';
import { parseShopTemplate, type ShopTemplate } from './shop-template';

export type ShopTemplateResult = { ok: true; template: ShopTemplate } | { ok: false; problems: string[] };

/**
 * A shop template from the JSON file a variable names, or the defaults under the tenant's name;
 * the problems name the variable (and the field), for the server's configuration error.
 */
export function loadShopTemplate(path: string | undefined, variable: string, tenantName: string): ShopTemplateResult {
  const shopName = tenantName.slice(0, 64);
  if (!path) return { ok: true, template: parseShopTemplate({ shopName }) };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { ok: false, problems: [`${variable} must be a readable JSON file (${(error as Error).message})`] };
  }
  try {
    return { ok: true, template: parseShopTemplate({ shopName, ...(json as object) }) };
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues ?? [];
    return {
      ok: false,
      problems: issues.map((issue) => `${variable}${issue.path.length > 0 ? ` ${issue.path.join('.')}` : ''}: ${issue.message}`),
    };
  }
}
