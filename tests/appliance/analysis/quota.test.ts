import { describe, expect, it } from 'vitest';
import { decideAnalysisRun } from '../../../appliance/src/analysis/quota.js';

const starter = { plan: 'starter', maxAnalysesMonthly: 100, overage: { allowed: false, pricePerAnalysisCents: 50 } };
const professional = { plan: 'professional', maxAnalysesMonthly: 500, overage: { allowed: true, pricePerAnalysisCents: 50 } };
const enterprise = { plan: 'enterprise', maxAnalysesMonthly: 2000, overage: { allowed: true, pricePerAnalysisCents: 50 } };

describe('monthly analysis quota per plan', () => {
  it('lets starter run its 100th analysis and refuses the 101st, naming the professional plan', () => {
    expect(decideAnalysisRun(starter, 99)).toEqual({ overage: false, used: 100, limit: 100 });
    expect(() => decideAnalysisRun(starter, 100)).toThrow(expect.objectContaining({
      code: 'analysis_quota_exceeded',
      message: expect.stringMatching(/100 of 100 on the starter plan\. The professional plan allows 500/),
      details: { plan: 'starter', limit: 100, used: 100, upgradeTo: 'professional' },
    }));
  });

  it('lets professional and enterprise go on past the quota, counted as overage', () => {
    expect(decideAnalysisRun(professional, 499)).toEqual({ overage: false, used: 500, limit: 500 });
    expect(decideAnalysisRun(professional, 500)).toEqual({ overage: true, used: 501, limit: 500 });
    expect(decideAnalysisRun(enterprise, 1999)).toEqual({ overage: false, used: 2000, limit: 2000 });
    expect(decideAnalysisRun(enterprise, 2600)).toEqual({ overage: true, used: 2601, limit: 2000 });
  });

  it('follows the signed license, not the plan name: a premium override of 1000 without overage is refused at 1000', () => {
    const premium = { plan: 'premium', maxAnalysesMonthly: 1000, overage: { allowed: false, pricePerAnalysisCents: 50 } };
    expect(decideAnalysisRun(premium, 999).overage).toBe(false);
    expect(() => decideAnalysisRun(premium, 1000)).toThrow(expect.objectContaining({ details: expect.objectContaining({ upgradeTo: 'professional' }) }));
  });
});
