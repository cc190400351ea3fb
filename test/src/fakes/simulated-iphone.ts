import { randomBytes } from 'node:crypto';
import { validatePkpass } from '@passmint/engine';

/** What the device learns from a pass it holds (the fields Wallet reads to stay up to date). */
export interface HeldPass {
  serialNumber: string;
  passTypeIdentifier: string;
  webServiceURL: string;
  authenticationToken: string;
  passJson: Record<string, unknown>;
  lastModified: string | null;
}

export interface SimulatedIphoneOptions {
  /** Roots the device trusts when it checks a pass (a development CA in tests). */
  trustedRoots: string[];
  /** Where the device's pushes are observed: the fake APNs's accepted pushes. */
  pushes: () => { token: string; topic: string }[];
  pushToken?: string;
  deviceLibraryIdentifier?: string;
}

/**
 * A device that follows Apple's protocol as Wallet does: it reads webServiceURL and the token from
 * each pass it is given, registers with its push token, and when a push for its token arrives asks
 * which serials changed since its tag and fetches each with If-Modified-Since, checking every pass
 * with the validator before it keeps it.
 * @see https://developer.apple.com/documentation/walletpasses/adding-a-web-service-to-update-passes
 */
export function createSimulatedIphone(options: SimulatedIphoneOptions) {
  const pushToken = options.pushToken ?? randomBytes(32).toString('hex');
  const deviceLibraryIdentifier = options.deviceLibraryIdentifier ?? randomBytes(16).toString('hex');
  const passes = new Map<string, HeldPass>();
  const tags = new Map<string, string>();
  let pushesHandled = 0;

  function keep(pkpass: Buffer, lastModified: string | null): HeldPass {
    const report = validatePkpass(pkpass, { trustedRoots: options.trustedRoots });
    const errors = report.problems.filter((problem) => problem.severity === 'error');
    if (errors.length > 0 || !report.passJson)
      throw new Error(`the device refused a pass: ${errors.map((error) => error.code).join(', ')}`);
    const passJson = report.passJson as Record<string, unknown>;
    const held: HeldPass = {
      serialNumber: String(passJson.serialNumber),
      passTypeIdentifier: String(passJson.passTypeIdentifier),
      webServiceURL: String(passJson.webServiceURL),
      authenticationToken: String(passJson.authenticationToken),
      passJson,
      lastModified,
    };
    passes.set(held.serialNumber, held);
    return held;
  }

  function registrationUrl(pass: HeldPass): string {
    return `${pass.webServiceURL}/v1/devices/${deviceLibraryIdentifier}/registrations/${pass.passTypeIdentifier}/${pass.serialNumber}`;
  }

  function held(serialNumber: string): HeldPass {
    const pass = passes.get(serialNumber);
    if (!pass) throw new Error(`the device holds no pass ${serialNumber}`);
    return pass;
  }

  function myPushes(): number {
    return options.pushes().filter((push) => push.token === pushToken).length;
  }

  /** "What changed?" for one pass type, then a conditional fetch of each changed serial. */
  async function sync(passTypeIdentifier: string, webServiceURL: string): Promise<string[]> {
    const since = tags.get(passTypeIdentifier);
    const query = since === undefined ? '' : `?passesUpdatedSince=${encodeURIComponent(since)}`;
    const response = await fetch(`${webServiceURL}/v1/devices/${deviceLibraryIdentifier}/registrations/${passTypeIdentifier}${query}`);
    if (response.status === 204) return [];
    if (response.status !== 200) throw new Error(`serials request answered ${response.status}`);
    const body = (await response.json()) as { serialNumbers: unknown; lastUpdated: unknown };
    if (typeof body.lastUpdated !== 'string' || !Array.isArray(body.serialNumbers))
      throw new Error(`malformed serials answer ${JSON.stringify(body)}`);
    if (body.lastUpdated === since) throw new Error('the lastUpdated tag did not move although serials were listed');
    tags.set(passTypeIdentifier, body.lastUpdated);
    const fetched: string[] = [];
    for (const serialNumber of body.serialNumbers as string[]) {
      if (await fetchLatest(serialNumber)) fetched.push(serialNumber);
    }
    return fetched;
  }

  /** GET the pass with If-Modified-Since; false on 304. */
  async function fetchLatest(serialNumber: string): Promise<boolean> {
    const pass = held(serialNumber);
    const response = await fetch(`${pass.webServiceURL}/v1/passes/${pass.passTypeIdentifier}/${serialNumber}`, {
      headers: {
        authorization: `ApplePass ${pass.authenticationToken}`,
        ...(pass.lastModified ? { 'if-modified-since': pass.lastModified } : {}),
      },
    });
    if (response.status === 304) return false;
    if (response.status !== 200) throw new Error(`pass fetch answered ${response.status}`);
    if (response.headers.get('content-type') !== 'application/vnd.apple.pkpass') throw new Error('pass fetch had the wrong content type');
    const lastModified = response.headers.get('last-modified');
    if (!lastModified) throw new Error('the server returned the pass without a Last-Modified header');
    keep(Buffer.from(await response.arrayBuffer()), lastModified);
    return true;
  }

  return {
    pushToken,
    deviceLibraryIdentifier,
    /** The device gets a pass (from the API, a mail, a web page) and adds it to Wallet. */
    addPass(pkpass: Buffer): HeldPass {
      return keep(pkpass, null);
    },
    pass: held,
    /** Registers for the pass's updates; the HTTP status (201 new, 200 again). */
    async register(serialNumber: string, authenticationToken?: string): Promise<number> {
      const pass = held(serialNumber);
      const response = await fetch(registrationUrl(pass), {
        method: 'POST',
        headers: { authorization: `ApplePass ${authenticationToken ?? pass.authenticationToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ pushToken }),
      });
      return response.status;
    },
    /** Removing the pass from Wallet unregisters it. */
    async unregister(serialNumber: string): Promise<number> {
      const pass = held(serialNumber);
      const response = await fetch(registrationUrl(pass), {
        method: 'DELETE',
        headers: { authorization: `ApplePass ${pass.authenticationToken}` },
      });
      passes.delete(serialNumber);
      return response.status;
    },
    /** Waits for a push the device has not handled yet, then syncs as Wallet does; the serials it fetched. */
    async receivePush(timeoutMs: number): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      while (myPushes() <= pushesHandled) {
        if (Date.now() > deadline) throw new Error(`no push for device ${deviceLibraryIdentifier} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      pushesHandled = myPushes();
      const types = new Map([...passes.values()].map((pass) => [pass.passTypeIdentifier, pass.webServiceURL]));
      const fetched: string[] = [];
      for (const [passTypeIdentifier, webServiceURL] of types) fetched.push(...(await sync(passTypeIdentifier, webServiceURL)));
      return fetched;
    },
    /** Pushes that arrived for this device, handled or not. */
    pushCount: myPushes,
    /** Pushes that arrived and that the device has not synced for yet. */
    unhandledPushes: () => myPushes() - pushesHandled,
  };
}

export type SimulatedIphone = ReturnType<typeof createSimulatedIphone>;
