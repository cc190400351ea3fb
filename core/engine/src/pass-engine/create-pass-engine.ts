import { createHash } from 'node:crypto';
import { appleWebServiceUrl, generateAuthenticationToken } from '../apple/pkpass';
import type { FetchedImages } from '../apple/pass-images';
import type { SigningIdentity } from '../apple/signing-identity';
import { InvalidInputError, PassmintError } from '../errors';
import { generateSerialNumber } from '../ids';
import { isPngDataUri } from '../images';
import { createKeyedLock } from '../keyed-lock';
import type { CanonicalPass, ImageRole } from '../normalise/canonical-pass';
import { canonicalHash, normalisePassInput, stableStringify } from '../normalise/normalise';
import type { ImageSource } from '../ports/image-source';
import type { IdempotencyRecord, PassHead, PassRecord, PassRepository, StoredResponse, TenantRecord } from '../ports/store';
import { parsePassInput, parsePassUpdate } from '../schema/parse';
import type { PassUpdateInput } from '../schema/pass-input';
import type { PassEdit } from './body-edits';
import { IdempotencyConflictError, PassNotFoundError, PassVoidedError, QuotaExceededError, UpdateConflictError } from './errors';
import { createTenantSigners } from './tenant-signers';
import { nextMonthStart, secondsUntilNextMonth, usageMonth } from './usage-month';

export interface PassEngineConfig {
  store: PassRepository;
  images: ImageSource;
  /** The instance's signing identity, used for tenants that did not bring their own. */
  identity: SigningIdentity;
  /**
   * The URL devices reach the server at; passes carry `<publicUrl>/apple` as their web service.
   * A function, since a server on an ephemeral port knows its URL only once it listens.
   */
  publicUrl: () => string;
  clock?: () => Date;
  /** How long an Idempotency-Key is remembered. */
  idempotencyTtlMs?: number;
  /** Whether a tenant's changes also go to Google Wallet (it has an issuer, its own or the instance's). */
  syncGoogle?: (tenant: TenantRecord) => boolean;
}

export interface IssuedPass extends StoredResponse {
  /** True when this answers a retried request with the first response. */
  replayed: boolean;
}

export interface UpdatedPass {
  serialNumber: string;
  lastUpdated: string;
  unchanged: boolean;
  /** Apple registrations the change was queued for (0 when unchanged). */
  notifiedDevices: number;
  warnings: string[];
  pass: PassHead;
}

export interface Usage {
  month: string;
  used: number;
  limit: number | null;
  resetsAt: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const WRITE_ATTEMPTS = 3;
/**
 * Writes to one pass queue up within a process, so only writers in other processes can race; each
 * lost race means one of them committed. A burst of concurrent PUTs to one pass therefore ends
 * well within this many attempts; a pass rewritten nonstop from many processes could still see 409.
 */
const UPDATE_ATTEMPTS = 20;
const PREVIEW_SERIAL = 'preview';
const BARCODE_REMOVED = 'The body has no barcodeValue, so the barcode was removed from the pass (PUT replaces the whole pass).';

/**
 * Issues, updates and voids passes for tenants: validates once, signs with the tenant's identity,
 * and writes each change in one store transaction with its quota use and idempotency record.
 */
export function createPassEngine(config: PassEngineConfig) {
  const { store, images } = config;
  const clock = config.clock ?? (() => new Date());
  const idempotencyTtlMs = config.idempotencyTtlMs ?? DAY_MS;
  const signers = createTenantSigners(config.identity, clock);
  const oneWriterPerPass = createKeyedLock();

  /** Without an authenticationToken the pass carries no web service (a preview never updates). */
  async function sign(
    tenant: TenantRecord,
    pass: CanonicalPass,
    context: { serialNumber: string; authenticationToken?: string; issuedAt: Date },
  ) {
    const signer = signers.forTenant(tenant);
    const built = await signer.builder.buildAsync(pass, {
      serialNumber: context.serialNumber,
      organizationName: tenant.name,
      issuedAt: context.issuedAt,
      images: await fetchImages(pass),
      ...(context.authenticationToken === undefined
        ? {}
        : { webService: { url: appleWebServiceUrl(config.publicUrl()), authenticationToken: context.authenticationToken } }),
    });
    return { ...built, passTypeIdentifier: signer.identity.passTypeIdentifier };
  }

  async function fetchImages(pass: CanonicalPass): Promise<FetchedImages> {
    const roles = Object.keys(pass.images) as ImageRole[];
    const entries = await Promise.all(roles.map(async (role) => [role, await resolveImage(role, pass.images[role] as string)] as const));
    return Object.fromEntries(entries.filter(([, bytes]) => bytes !== undefined));
  }

  async function resolveImage(role: ImageRole, source: string): Promise<Buffer | undefined> {
    try {
      const bytes = await images.resolve(source);
      return isPngDataUri(source) ? undefined : bytes;
    } catch (error) {
      if (!(error instanceof PassmintError)) throw error;
      const path = `${role}URL`;
      throw new InvalidInputError(`${path}: ${error.message}`, [{ path, message: error.message }], error.code);
    }
  }

  async function checkQuota(tenant: TenantRecord, now: Date): Promise<void> {
    if (tenant.monthlyQuota === null) return;
    const used = await store.usage(tenant.id, usageMonth(now));
    if (used >= tenant.monthlyQuota) throw quotaExceeded(tenant, now);
  }

  function quotaExceeded(tenant: TenantRecord, now: Date): QuotaExceededError {
    return new QuotaExceededError(tenant.monthlyQuota ?? 0, secondsUntilNextMonth(now));
  }

  function replay(record: IdempotencyRecord, fingerprint: string): IssuedPass {
    if (record.fingerprint !== fingerprint) throw new IdempotencyConflictError();
    return { ...record.response, replayed: true };
  }

  async function findOwnPass(tenant: TenantRecord, serialNumber: string): Promise<PassRecord> {
    const pass = await store.findPass(tenant.id, serialNumber);
    if (!pass) throw new PassNotFoundError();
    return pass;
  }

  /** An update re-signs from the body, so it reads the pass without its old signed file. */
  async function findOwnPassHead(tenant: TenantRecord, serialNumber: string): Promise<PassHead> {
    const pass = await store.findPassHead(tenant.id, serialNumber);
    if (!pass) throw new PassNotFoundError();
    return pass;
  }

  return {
    /** POST /api/passes: a new pass, or the first response again for a retried Idempotency-Key. */
    async issue(tenant: TenantRecord, body: unknown, options: { idempotencyKey?: string } = {}): Promise<IssuedPass> {
      const now = clock();
      const parsed = parsePassInput(body);
      if (!parsed.ok) throw parsed.error;
      // Fingerprinted after validation: the schema bounds the body's depth and size.
      const fingerprint = sha256(stableStringify(parsed.value));
      const notBefore = new Date(now.getTime() - idempotencyTtlMs).toISOString();
      const key = options.idempotencyKey;
      if (key !== undefined) {
        const existing = await store.findIdempotency(tenant.id, key, notBefore);
        if (existing) return replay(existing, fingerprint);
      }
      const canonical = normalisePassInput(parsed.value);
      await checkQuota(tenant, now);
      for (let attempt = 1; ; attempt++) {
        const serialNumber = generateSerialNumber();
        const authenticationToken = generateAuthenticationToken();
        const built = await sign(tenant, canonical, { serialNumber, authenticationToken, issuedAt: now });
        const response: StoredResponse = { serialNumber, warnings: built.warnings, pkpass: built.pkpass };
        const createdAt = now.toISOString();
        const result = await store.insertPass(
          {
            tenantId: tenant.id,
            serialNumber,
            authenticationToken,
            body: parsed.value,
            canonicalHash: canonicalHash(canonical),
            pkpass: built.pkpass,
            passTypeIdentifier: built.passTypeIdentifier,
            voided: canonical.voided,
            createdAt,
          },
          {
            month: usageMonth(now),
            quota: tenant.monthlyQuota,
            syncGoogle: config.syncGoogle?.(tenant) ?? false,
            ...(key === undefined ? {} : { idempotency: { key, fingerprint, response, createdAt, notBefore } }),
          },
        );
        if (result.ok) return { ...response, replayed: false };
        if (result.reason === 'quota_exceeded') throw quotaExceeded(tenant, now);
        if (result.reason === 'idempotency_exists') return replay(result.existing, fingerprint);
        // A serial collision needs 2^64 passes to become likely; draw again rather than fail.
        if (attempt >= WRITE_ATTEMPTS) throw new PassmintError('serial_collision', 'Could not allocate a serial number.');
      }
    },

    /** PUT /api/passes/<serial>: full replace; the same canonical pass again changes nothing. */
    async update(tenant: TenantRecord, serialNumber: string, body: unknown): Promise<UpdatedPass> {
      const replacement = prepareReplacement(body);
      return writeReplacement(tenant, serialNumber, () => replacement);
    },

    /**
     * PATCH: a PUT of the body `edit` makes from the stored one. The edit runs on the body it
     * replaces: when another writer commits in between, it runs again on the newer body.
     */
    async edit(tenant: TenantRecord, serialNumber: string, edit: PassEdit): Promise<UpdatedPass> {
      return writeReplacement(tenant, serialNumber, (stored) => prepareReplacement(edit(stored.body)));
    },

    /** DELETE /api/passes/<serial>: marks the pass void on every device; the record stays. */
    async void(tenant: TenantRecord, serialNumber: string): Promise<UpdatedPass> {
      return oneWriterPerPass(`${tenant.id}/${serialNumber}`, async () => {
        for (let attempt = 1; ; attempt++) {
          const stored = await findOwnPassHead(tenant, serialNumber);
          if (stored.voided)
            return { serialNumber, lastUpdated: stored.updatedAt, unchanged: true, notifiedDevices: 0, warnings: [], pass: stored };
          const body = { ...(stored.body as Record<string, unknown>), voided: true };
          const result = await replacePass(tenant, stored, prepareReplacement(body), false);
          if (result.ok) return changed(result, []);
          await afterConflict(attempt);
        }
      });
    },

    /**
     * POST /api/preview: the pass a body would make, signed, without storing anything or costing
     * quota. Its serial is `preview` and it carries no web service, so it never updates.
     */
    async preview(
      tenant: TenantRecord,
      body: unknown,
    ): Promise<{ canonical: CanonicalPass; pkpass: Buffer; passJson: Record<string, unknown>; warnings: string[] }> {
      const parsed = parsePassInput(body);
      if (!parsed.ok) throw parsed.error;
      const canonical = normalisePassInput(parsed.value);
      const built = await sign(tenant, canonical, { serialNumber: PREVIEW_SERIAL, issuedAt: clock() });
      return { canonical, pkpass: built.pkpass, passJson: built.passJson, warnings: built.warnings };
    },

    async get(tenant: TenantRecord, serialNumber: string): Promise<PassRecord> {
      return findOwnPass(tenant, serialNumber);
    },

    /** The identity that signs (and pushes for) a tenant's passes: its own, or the instance's. */
    signingIdentity(tenant: TenantRecord): SigningIdentity {
      return signers.forTenant(tenant).identity;
    },

    async usage(tenant: TenantRecord): Promise<Usage> {
      const now = clock();
      const month = usageMonth(now);
      return { month, used: await store.usage(tenant.id, month), limit: tenant.monthlyQuota, resetsAt: nextMonthStart(now).toISOString() };
    },
  };

  /** A PUT body validated and normalised, with what the writes compare and warn about. */
  function prepareReplacement(body: unknown): Replacement {
    const parsed = parsePassUpdate(body);
    if (!parsed.ok) throw parsed.error;
    const canonical = normalisePassInput(parsed.value);
    return { body: parsed.value, canonical, hash: canonicalHash(canonical), warnings: canonical.barcode ? [] : [BARCODE_REMOVED] };
  }

  /**
   * Writes the replacement `replace` makes from the stored pass, unless it is the same canonical
   * pass (a free no-op); the write expects the version it read, and a lost race reads again.
   */
  async function writeReplacement(
    tenant: TenantRecord,
    serialNumber: string,
    replace: (stored: PassHead) => Replacement,
  ): Promise<UpdatedPass> {
    return oneWriterPerPass(`${tenant.id}/${serialNumber}`, async () => {
      for (let attempt = 1; ; attempt++) {
        const stored = await findOwnPassHead(tenant, serialNumber);
        const replacement = replace(stored);
        const { hash, warnings } = replacement;
        if (stored.canonicalHash === hash) {
          return { serialNumber, lastUpdated: stored.updatedAt, unchanged: true, notifiedDevices: 0, warnings, pass: stored };
        }
        if (stored.voided) throw new PassVoidedError();
        const result = await replacePass(tenant, stored, replacement, true);
        if (result.ok) return changed(result, warnings);
        await afterConflict(attempt);
      }
    });
  }

  /** Gives up after the last attempt; before the next, a short random wait lets the other writer finish. */
  async function afterConflict(attempt: number): Promise<void> {
    if (attempt >= UPDATE_ATTEMPTS) throw new UpdateConflictError();
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, 50)));
  }

  /** Re-signs and stores a changed pass; `ok: false` when another writer got there first. */
  async function replacePass(tenant: TenantRecord, stored: PassHead, replacement: Replacement, countsTowardQuota: boolean) {
    const { body, canonical, hash } = replacement;
    const now = clock();
    if (countsTowardQuota) await checkQuota(tenant, now);
    const built = await sign(tenant, canonical, {
      serialNumber: stored.serialNumber,
      authenticationToken: stored.authenticationToken,
      issuedAt: new Date(stored.createdAt),
    });
    const result = await store.updatePass(
      {
        tenantId: tenant.id,
        serialNumber: stored.serialNumber,
        expectedVersion: stored.version,
        body,
        canonicalHash: hash,
        pkpass: built.pkpass,
        passTypeIdentifier: built.passTypeIdentifier,
        voided: canonical.voided,
        updatedAt: nextLastModified(stored.updatedAt, now),
      },
      {
        month: usageMonth(now),
        quota: tenant.monthlyQuota,
        countsTowardQuota,
        syncGoogle: config.syncGoogle?.(tenant) ?? false,
        queueAt: now.toISOString(),
      },
    );
    if (result.ok) return { ok: true as const, pass: result.pass, queuedPushes: result.queuedPushes, warnings: built.warnings };
    if (result.reason === 'quota_exceeded') throw quotaExceeded(tenant, now);
    if (result.reason === 'not_found') throw new PassNotFoundError();
    return { ok: false as const };
  }
}

export type PassEngine = ReturnType<typeof createPassEngine>;

interface Replacement {
  body: PassUpdateInput;
  canonical: CanonicalPass;
  hash: string;
  warnings: string[];
}

function changed(result: { pass: PassRecord; queuedPushes: number; warnings: string[] }, warnings: string[]): UpdatedPass {
  return {
    serialNumber: result.pass.serialNumber,
    lastUpdated: result.pass.updatedAt,
    unchanged: false,
    notifiedDevices: result.queuedPushes,
    warnings: [...warnings, ...result.warnings],
    pass: result.pass,
  };
}

/**
 * Devices ask for a pass with If-Modified-Since, which has whole-second resolution: two changes
 * in one second would look like one and the second would answer 304. So each change moves the
 * pass's time to a later second than the last one.
 * @see https://developer.apple.com/documentation/walletpasses/send-an-updated-pass
 */
export function nextLastModified(previous: string, now: Date): string {
  const nextSecond = Math.floor(Date.parse(previous) / 1000) * 1000 + 1000;
  return new Date(Math.max(now.getTime(), nextSecond)).toISOString();
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
