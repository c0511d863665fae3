import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/protocol/log';
import { AnalysisStore } from '../../../appliance/src/analyses/analysisStore.js';
import { listCaseAnalyses, runCaseAnalysis, type AnalysableCase, type AnalysisDeps } from '../../../appliance/src/analyses/caseAnalyses.js';
import type { EffectiveLimits } from '../../../appliance/src/license/effectiveLimits.js';
import { UsageCounters } from '../../../appliance/src/usage/usageCounters.js';

const log = createLogger('test', 'silent');
const NOW = new Date('2026-11-24T10:00:00Z');
const PLANS: Record<string, EffectiveLimits> = {
  starter: { plan: 'starter', maxUsers: 3, maxCases: 500, maxAnalysesMonthly: 100, aiModel: 'ceseda-basic-v1', advancedFeatures: false, overageAllowed: false, overagePriceCents: 50 },
  professional: { plan: 'professional', maxUsers: 10, maxCases: 2000, maxAnalysesMonthly: 500, aiModel: 'ceseda-pro-v1', advancedFeatures: true, overageAllowed: true, overagePriceCents: 50 },
  enterprise: { plan: 'enterprise', maxUsers: 50, maxCases: 10000, maxAnalysesMonthly: 2000, aiModel: 'ceseda-enterprise-v1', advancedFeatures: true, overageAllowed: true, overagePriceCents: 50 },
};

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'analyses-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function setup(limits: EffectiveLimits, quotaUsed: number) {
  const cases = new Map<string, AnalysableCase>([
    ['c1', { id: 'c1', procedure: 'oqtf', decisionNotifiedAt: '2026-11-20', facts: { libertyStatus: 'free', proceduralDefectIdentified: true } }],
    ['c2', { id: 'c2', procedure: 'oqtf', decisionNotifiedAt: '2026-01-05', facts: {}, outcome: 'won' }],
  ]);
  const usage = await UsageCounters.open(dir, log);
  const small = { ...limits, maxAnalysesMonthly: quotaUsed };
  for (let i = 0; i < quotaUsed; i += 1) await usage.recordAnalysis(NOW, small);
  const deps: AnalysisDeps = {
    cases: { get: (id) => cases.get(id), all: () => cases.values() },
    store: await AnalysisStore.open(dir, log),
    usage,
    assertCanRun: () => ({ ...limits, maxAnalysesMonthly: quotaUsed }),
    threshold: 0.87,
    clock: () => NOW,
  };
  return deps;
}

describe('running an analysis on a case', () => {
  it('stores the license model’s result with the facts used and counts one run', async () => {
    const deps = await setup(PLANS.professional!, 1);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.professional! }, 'c1', 'u1');
    expect(a).toMatchObject({ caseId: 'c1', model: 'ceseda-pro-v1', rulesVersion: '2026-11-24', overage: false, facts: { proceduralDefectIdentified: true } });
    expect(a.result.deadlines[0]).toMatchObject({ remedy: 'recours_contentieux', due: '2026-12-21' });
    expect(a.result.estimate).toBeDefined();
    expect(deps.usage.forMonth('2026-11')).toEqual({ month: '2026-11', analysesUsed: 2, analysesOverage: 0 });
    const reopened = await AnalysisStore.open(dir, log);
    expect(reopened.list('c1').map((x) => x.id)).toEqual([a.id]);
  });

  it('refuses starter over its quota, naming the professional plan, and stores nothing', async () => {
    const deps = await setup(PLANS.starter!, 100); // the real starter quota, used up
    await expect(runCaseAnalysis(deps, 'c1', 'u1')).rejects.toMatchObject({ code: 'quota_exceeded', message: expect.stringMatching(/professional plan allows 500/) });
    expect(deps.store.list('c1')).toEqual([]);
    expect(deps.usage.forMonth('2026-11').analysesUsed).toBe(100);
  });

  for (const plan of ['professional', 'enterprise'] as const) {
    it(`lets ${plan} go on over its quota, counted as overage`, async () => {
      const deps = await setup(PLANS[plan]!, 2);
      const a = await runCaseAnalysis(deps, 'c1', 'u1');
      expect(a.overage).toBe(true);
      expect(a.model).toBe(PLANS[plan]!.aiModel);
      expect(deps.usage.forMonth('2026-11')).toEqual({ month: '2026-11', analysesUsed: 3, analysesOverage: 1 });
    });
  }

  it('runs only the license’s model: a starter license never gets eligibility or an estimate', async () => {
    const deps = await setup(PLANS.starter!, 0);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.starter! }, 'c1', 'u1');
    expect(a.model).toBe('ceseda-basic-v1');
    expect(a.result).not.toHaveProperty('eligibility');
    expect(a.result).not.toHaveProperty('estimate');
  });

  it('gives enterprise the cabinet’s other cases as past cases', async () => {
    const deps = await setup(PLANS.enterprise!, 0);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.enterprise! }, 'c1', 'u1');
    expect(a.result.similarCases!.map((s) => s.id)).toEqual(['c2']);
    expect(a.result.calibration!.used).toBe(false);
  });

  it('viewing stored analyses counts nothing; an unknown case is not found', async () => {
    const deps = await setup(PLANS.professional!, 0);
    const p = { ...deps, assertCanRun: () => PLANS.professional! };
    const first = await runCaseAnalysis(p, 'c1', 'u1');
    const second = await runCaseAnalysis(p, 'c1', 'u1');
    for (let i = 0; i < 3; i += 1) expect(listCaseAnalyses(p, 'c1').map((x) => x.id)).toEqual([second.id, first.id]);
    expect(deps.usage.forMonth('2026-11').analysesUsed).toBe(2);
    await expect(runCaseAnalysis(p, 'nope', 'u1')).rejects.toMatchObject({ code: 'not_found' });
    expect(() => listCaseAnalyses(p, 'nope')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
