import { API_EXAMPLE_BODIES } from '@passmint/engine/testing';

/** Issues `count` passes (the API example with its own barcode each) one after another; their serials. */
export async function seedPasses(url: string, headers: Record<string, string>, count: number): Promise<string[]> {
  const serials: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/api/passes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...API_EXAMPLE_BODIES.create, barcodeValue: `SEED-${i}` }),
    });
    if (!response.ok) throw new Error(`seeding failed: ${response.status} ${await response.text()}`);
    serials.push(((await response.json()) as { serialNumber: string }).serialNumber);
  }
  return serials;
}
