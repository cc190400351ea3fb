import { request } from '@passmint/cli/testing';

export interface PassField {
  key?: string;
  label?: string;
  value: string;
  changeMessage?: string;
}

/** GET /api/passes/<serial>, which must exist. */
export async function storedPassOf(
  baseUrl: string,
  key: string,
  serial: string,
): Promise<{ voided: boolean; body: Record<string, unknown> }> {
  const response = await request(`${baseUrl}/api/passes/${serial}`, { key });
  if (response.status !== 200) throw new Error(`GET pass ${serial} answered ${response.status}`);
  return response.json as { voided: boolean; body: Record<string, unknown> };
}

/** The field with this key in any row of a pass body or of a pass.json style. */
export function fieldByKey(rows: Record<string, unknown>, key: string): PassField | undefined {
  return Object.values(rows)
    .filter(Array.isArray)
    .flat()
    .find((field) => (field as PassField).key === key) as PassField | undefined;
}

/** Passes counted this month for the key's tenant. */
export async function usedThisMonth(baseUrl: string, key: string): Promise<number> {
  return (await request(`${baseUrl}/api/auth/usage`, { key })).json.used as number;
}
