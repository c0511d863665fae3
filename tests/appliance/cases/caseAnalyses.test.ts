import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@iamanager/kernel/log';
import { NotFoundError } from '@iamanager/protocol';
import { listCaseAnalyses, runCaseAnalysis, type AnalysisDeps } from '../../../appliance/src/domain/cases/caseAnalyses.js';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import type { EffectiveLimits } from '../../../appliance/src/domain/license/effectiveLimits.js';
import { UsageCounters } from '../../../appliance/src/domain/usage/usageCounters.js';

const log = createLogger('test', 'silent');
const NOW = new Date('2026-11-24T10:00:00Z');
const PLANS: Record<string, EffectiveLimits> = {
  starter: {
    plan: 'starter',
    maxUsers: 3,
    maxCases: 500,
    maxAnalysesMonthly: 100,
    aiModel: 'ceseda-basic-v1',
    advancedFeatures: false,
    overageAllowed: false,
    overagePriceCents: 50,
  },
  professional: {
    plan: 'professional',
    maxUsers: 10,
    maxCases: 2000,
    maxAnalysesMonthly: 500,
    aiModel: 'ceseda-pro-v1',
    advancedFeatures: true,
    overageAllowed: true,
    overagePriceCents: 50,
  },
  enterprise: {
    plan: 'enterprise',
    maxUsers: 50,
    maxCases: 10000,
    maxAnalysesMonthly: 2000,
    aiModel: 'ceseda-enterprise-v1',
    advancedFeatures: true,
    overageAllowed: true,
    overagePriceCents: 50,
  },
};

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'analyses-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const ACTOR = { id: 'u1', email: 'avocat@dupont.fr' };

function caseRecord(id: string, over: Partial<CaseRecord>): CaseRecord {
  return {
    id,
    reference: id,
    client: { lastName: 'X', firstName: 'Y', nationality: 'DZ', birthDate: '1990-01-01' },
    procedure: 'oqtf',
    decisionNotifiedAt: '2026-11-20',
    decision: {},
    departement: null,
    status: 'open',
    outcome: null,
    archived: false,
    assignedTo: null,
    notes: '',
    facts: {},
    documents: [],
    analyses: [],
    history: [],
    createdAt: '',
    createdBy: '',
    updatedAt: '',
    ...over,
  };
}

async function setup(limits: EffectiveLimits, quotaUsed: number) {
  const cases = new Map<string, CaseRecord>([
    ['c1', caseRecord('c1', { facts: { libertyStatus: 'free', proceduralDefectIdentified: true } })],
    ['c2', caseRecord('c2', { decisionNotifiedAt: '2026-01-05', status: 'closed', outcome: 'won' })],
    ['c3', caseRecord('c3', { procedure: 'refus_titre_sejour', decisionNotifiedAt: '2025-10-24', departement: '67' })],
  ]);
  const get = (id: string) => {
    const found = cases.get(id);
    if (!found) throw new NotFoundError('case', id);
    return found;
  };
  const usage = await UsageCounters.open(dir, { now: () => NOW }, log);
  const small = { ...limits, maxAnalysesMonthly: quotaUsed };
  for (let i = 0; i < quotaUsed; i += 1) await usage.recordAnalysis(small);
  const deps: AnalysisDeps = {
    cases: {
      get,
      all: () => cases.values(),
      readCase: (id) => Promise.resolve(get(id)),
      mutate: (id, _actor, _action, change) => Promise.resolve(change(get(id))),
    },
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
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.professional! }, 'c1', ACTOR);
    expect(a).toMatchObject({
      model: 'ceseda-pro-v1',
      rulesVersion: '2026-12-05',
      overage: false,
      createdBy: ACTOR.email,
      facts: { proceduralDefectIdentified: true },
    });
    expect(a.result.deadlines[0]).toMatchObject({ remedy: 'recours_contentieux', due: '2026-12-21' });
    expect(a.result.estimate).toBeDefined();
    expect(deps.usage.forMonth('2026-11')).toEqual({ month: '2026-11', analysesUsed: 2, analysesOverage: 0 });
    expect(deps.cases.get('c1').analyses).toEqual([a]);
  });

  it('refuses starter over its quota, naming the professional plan, and stores nothing', async () => {
    const deps = await setup(PLANS.starter!, 100); // the real starter quota, used up
    await expect(runCaseAnalysis(deps, 'c1', ACTOR)).rejects.toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringMatching(/professional plan allows 500/),
    });
    expect(deps.cases.get('c1').analyses).toEqual([]);
    expect(deps.usage.forMonth('2026-11').analysesUsed).toBe(100);
  });

  for (const plan of ['professional', 'enterprise'] as const) {
    it(`lets ${plan} go on over its quota, counted as overage`, async () => {
      const deps = await setup(PLANS[plan]!, 2);
      const a = await runCaseAnalysis(deps, 'c1', ACTOR);
      expect(a.overage).toBe(true);
      expect(a.model).toBe(PLANS[plan]!.aiModel);
      expect(deps.usage.forMonth('2026-11')).toEqual({ month: '2026-11', analysesUsed: 3, analysesOverage: 1 });
    });
  }

  it('runs only the license’s model: a starter license never gets eligibility or an estimate', async () => {
    const deps = await setup(PLANS.starter!, 0);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.starter! }, 'c1', ACTOR);
    expect(a.model).toBe('ceseda-basic-v1');
    expect(a.result).not.toHaveProperty('eligibility');
    expect(a.result).not.toHaveProperty('estimate');
  });

  it('gives enterprise the cabinet’s other cases as past cases', async () => {
    const deps = await setup(PLANS.enterprise!, 0);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.enterprise! }, 'c1', ACTOR);
    expect(a.result.similarCases!.map((s) => s.id)).toEqual(['c2']);
    expect(a.result.similarCases![0]!.outcome).toBe('won');
    expect(a.result.calibration!.used).toBe(false);
  });

  it('counts the Alsace-Moselle holidays when the prefecture is in the Bas-Rhin', async () => {
    const deps = await setup(PLANS.starter!, 0);
    const a = await runCaseAnalysis({ ...deps, assertCanRun: () => PLANS.starter! }, 'c3', ACTOR);
    expect(a.result.deadlines.find((d) => d.remedy === 'recours_contentieux')!.due).toBe('2025-12-29');
  });

  it('viewing stored analyses counts nothing; an unknown case is not found', async () => {
    const deps = await setup(PLANS.professional!, 0);
    const p = { ...deps, assertCanRun: () => PLANS.professional! };
    const first = await runCaseAnalysis(p, 'c1', ACTOR);
    const second = await runCaseAnalysis(p, 'c1', ACTOR);
    for (let i = 0; i < 3; i += 1) expect((await listCaseAnalyses(p, 'c1', ACTOR)).map((x) => x.id)).toEqual([second.id, first.id]);
    expect(deps.usage.forMonth('2026-11').analysesUsed).toBe(2);
    await expect(runCaseAnalysis(p, 'nope', ACTOR)).rejects.toMatchObject({ code: 'not_found' });
    await expect(listCaseAnalyses(p, 'nope', ACTOR)).rejects.toMatchObject({ code: 'not_found' });
  });
});
