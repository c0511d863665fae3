import { describe, expect, it } from 'vitest';
import { BUILT_IN_PLANS, DEFAULT_OVERAGE_CENTS } from '../../../control-plane/src/domain/planCatalog.js';

describe('built-in plans', () => {
  const byId = Object.fromEntries(BUILT_IN_PLANS.map((p) => [p.id, p]));

  it("keeps the seed's revenue check: 10 starter + 5 professional + 2 enterprise = 3,683 €/month", () => {
    const mrrCents = 10 * byId.starter!.priceCents + 5 * byId.professional!.priceCents + 2 * byId.enterprise!.priceCents;
    expect(mrrCents).toBe(368_300);
    expect(mrrCents * 12).toBe(4_419_600);
  });

  it('refuses overage on starter and bills it at 0.50 € on the others', () => {
    expect(byId.starter!.overage.allowed).toBe(false);
    expect(byId.professional!.overage).toEqual({ allowed: true, pricePerAnalysisCents: DEFAULT_OVERAGE_CENTS });
    expect(byId.enterprise!.overage).toEqual({ allowed: true, pricePerAnalysisCents: 50 });
  });
});
