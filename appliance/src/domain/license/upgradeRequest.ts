/**
 * The cabinet's upgrade request (docs/protocol.md "Upgrade request"): the admin picks a plan and
 * may add a short message; the appliance signs a request with its own key — its id, its license,
 * the current and wanted plans, the usage counters, the message; no case data — and sends it to
 * `POST /v1/upgrade-requests`. Like heartbeats (storage/outbox.ts), the request is written
 * durably first and leaves the queue only once the control plane has it: while the control plane
 * is unreachable it waits, is retried with the heartbeats' rhythm, and the page says so. Each
 * request keeps its random nonce (`jti`) across retries and is signed again with the time it goes
 * (`iat`), so the control plane records it once however many times it is sent.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { formatIssues, signUpgradeRequest, upgradeMessageSchema, ValidationError, type UpgradeRequestPayload } from '@iamanager/protocol';
import type { Logger } from '@iamanager/kernel/log';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../errors.js';
import { loadApplianceKey } from '../enrollment/applianceKey.js';
import type { UsageCounters } from '../usage/usageCounters.js';
import type { LicenseStore } from './licenseStore.js';
import { upgradeOptions } from './upgradeOffers.js';

/** Requests kept on the appliance (newest): the page lists them; older ones are with the vendor. */
const MAX_KEPT = 50;

const storedSchema = z.object({
  jti: z.string(),
  createdAt: z.string(),
  wantedPlan: z.string(),
  message: z.string().nullable(),
  /** What is signed, but `iat` (set when it goes). */
  payload: z.record(z.string(), z.unknown()),
  status: z.enum(['queued', 'sent', 'refused']),
  sentAt: z.string().nullable(),
  /** Why the last attempt failed (unreachable, or the control plane's refusal). */
  lastError: z.string().nullable(),
});
export type StoredUpgradeRequest = z.infer<typeof storedSchema>;
const fileSchema = z.object({ requests: z.array(storedSchema) });
type UpgradeRequestFile = z.infer<typeof fileSchema>;

/** What the admin's form sends. */
export const upgradeRequestInputSchema = z.strictObject({
  wantedPlan: z.string().trim().min(1, { error: 'is required: choose the plan you want' }).max(64),
  message: upgradeMessageSchema.optional(),
});

/** Answers that no retry changes: the request is marked refused and leaves the queue. */
const REFUSED_FOR_GOOD: ReadonlySet<string> = new Set([
  'malformed',
  'bad_signature',
  'unknown_appliance',
  'revoked_appliance',
  'wrong_audience',
  'rate_limited',
]);

export interface UpgradeRequestSources {
  dataDir: string;
  controlPlaneUrl: string | undefined;
  clock: () => Date;
  license: LicenseStore;
  usage: UsageCounters;
  usersActive: () => number;
  casesOpen: () => number;
}

export class UpgradeRequests {
  private timer: NodeJS.Timeout | undefined;
  private delivering: Promise<void> | undefined;

  private constructor(
    private readonly doc: Document<UpgradeRequestFile>,
    private readonly sources: UpgradeRequestSources,
    private readonly log: Logger,
  ) {}

  static async open(sources: UpgradeRequestSources, log: Logger): Promise<UpgradeRequests> {
    const doc = await openDocument<UpgradeRequestFile>(
      path.join(sources.dataDir, 'upgrade-requests.json'),
      { requests: [] },
      {
        schema: fileSchema,
        log,
      },
    );
    return new UpgradeRequests(doc, sources, log);
  }

  /** Newest first. */
  list(): readonly StoredUpgradeRequest[] {
    return [...this.doc.data.requests].reverse();
  }

  queued(): number {
    return this.doc.data.requests.filter((r) => r.status === 'queued').length;
  }

  /**
   * Records a request and tries to send it at once. Resolves with its state: `sent`, or `queued`
   * (the control plane is unreachable: it goes later), or `refused` with the control plane's reason.
   */
  async submit(input: unknown): Promise<StoredUpgradeRequest> {
    const parsed = upgradeRequestInputSchema.safeParse(input, { reportInput: true });
    if (!parsed.success) throw new ValidationError(formatIssues(parsed.error.issues));
    const { license } = this.sources;
    const limits = license.limits();
    const applianceId = license.applianceId;
    const cabinetId = license.cabinetId;
    const licenseId = license.licenseId;
    if (!limits || !applianceId || !cabinetId || !licenseId)
      throw new ApplianceError('not_enrolled', 'this appliance is not enrolled: there is no plan to change yet');
    const offered = upgradeOptions(license.verifiedClaims(), limits).offers.map((o) => o.plan);
    if (!offered.includes(parsed.data.wantedPlan))
      throw new ValidationError([
        `wantedPlan: must be one of the plans above yours (${offered.join(', ') || 'none: your plan is the largest; write to your vendor'})`,
      ]);
    const month = this.sources.usage.currentMonth();
    const jti = randomBytes(16).toString('base64url');
    const payload: Omit<UpgradeRequestPayload, 'iat'> = {
      v: 1,
      iss: applianceId,
      sub: cabinetId,
      jti,
      licenseId,
      currentPlan: limits.plan,
      wantedPlan: parsed.data.wantedPlan,
      limits: { maxUsers: limits.maxUsers, maxCases: limits.maxCases, maxAnalysesMonthly: limits.maxAnalysesMonthly },
      usage: {
        month,
        usersActive: this.sources.usersActive(),
        casesOpen: this.sources.casesOpen(),
        analysesUsed: this.sources.usage.forMonth(month).analysesUsed,
      },
      ...(parsed.data.message ? { message: parsed.data.message } : {}),
    };
    const stored: StoredUpgradeRequest = {
      jti,
      createdAt: this.sources.clock().toISOString(),
      wantedPlan: payload.wantedPlan,
      message: payload.message ?? null,
      payload: payload as unknown as Record<string, unknown>,
      status: 'queued',
      sentAt: null,
      lastError: null,
    };
    this.doc.data.requests.push(stored);
    this.doc.data.requests.splice(0, Math.max(0, this.doc.data.requests.length - MAX_KEPT));
    await this.doc.write();
    this.log.info({ wantedPlan: stored.wantedPlan, jti }, 'upgrade request queued');
    await this.deliver();
    return this.doc.data.requests.find((r) => r.jti === jti) ?? stored;
  }

  /**
   * After an enrollment under a new id: what is still queued names the old appliance and would be
   * signed with the new key, which the control plane refuses (bad_signature). Each is closed with
   * what to do, rather than sent to be refused.
   */
  async resetForNewEnrollment(): Promise<void> {
    await this.delivering?.catch(() => undefined);
    const queued = this.doc.data.requests.filter((r) => r.status === 'queued');
    if (queued.length === 0) return;
    for (const r of queued) {
      r.status = 'refused';
      r.lastError = 'the appliance was enrolled again before this request was sent: send it again from the plan page';
    }
    await this.doc.write();
  }

  /** Sends what is queued, oldest first, until one cannot be sent. One pass at a time. */
  deliver(): Promise<void> {
    this.delivering ??= this.deliverOnce().finally(() => (this.delivering = undefined));
    return this.delivering;
  }

  private async deliverOnce(): Promise<void> {
    const url = this.sources.controlPlaneUrl;
    const queued = this.doc.data.requests.filter((r) => r.status === 'queued');
    if (queued.length === 0) return;
    if (!url) {
      for (const r of queued) r.lastError = 'CONTROL_PLANE_URL is not set: write to your vendor';
      await this.doc.write();
      return;
    }
    const key = await loadApplianceKey(this.sources.dataDir);
    if (!key) throw new ApplianceError('not_enrolled', 'the appliance key is missing: enroll again');
    const http = await import('../../controlPlaneHttp.js');
    for (const r of queued) {
      const now = this.sources.clock();
      const jws = await signUpgradeRequest(
        { ...(r.payload as Omit<UpgradeRequestPayload, 'iat'>), iat: Math.floor(now.getTime() / 1000) },
        key.privateKey,
      );
      try {
        await http.controlPlaneHttp.post(new URL('/v1/upgrade-requests', url), {
          body: jws,
          headers: { 'content-type': 'application/jose' },
          timeout: { connect: 5_000, request: 15_000 },
          retry: { limit: 0 },
        });
        this.markSent(r, now);
      } catch (err) {
        if (err instanceof http.HTTPError) {
          const answer = http.controlPlaneAnswer(err.response.body);
          // Recorded by an earlier attempt whose answer was lost.
          if (answer.error === 'replayed_request') this.markSent(r, now);
          else if (answer.error && REFUSED_FOR_GOOD.has(answer.error)) {
            r.status = 'refused';
            r.lastError = `${answer.error}: ${answer.message ?? ''}`.trim();
            this.log.warn({ jti: r.jti, code: answer.error }, 'upgrade request refused by the control plane');
          } else {
            r.lastError = `the control plane answered ${err.response.statusCode} ${answer.error ?? ''}`.trim();
            await this.doc.write();
            return;
          }
        } else {
          r.lastError = err instanceof http.RequestError ? `cannot reach the control plane (${err.code})` : (err as Error).message;
          await this.doc.write();
          return;
        }
      }
      await this.doc.write();
    }
  }

  private markSent(r: StoredUpgradeRequest, now: Date): void {
    r.status = 'sent';
    r.sentAt = now.toISOString();
    r.lastError = null;
    this.log.info({ jti: r.jti, wantedPlan: r.wantedPlan }, 'upgrade request delivered');
  }

  /** Retries queued requests every `intervalSeconds` (the heartbeat interval) until `stop()`. */
  start(intervalSeconds: number): void {
    this.timer = setInterval(() => {
      if (this.queued() > 0) this.deliver().catch((err: unknown) => this.log.warn({ err }, 'upgrade request: delivery failed'));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.delivering?.catch(() => undefined);
  }
}
