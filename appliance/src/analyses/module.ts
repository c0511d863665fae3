/**
 * The analyses module: opens the analysis store and contributes the analyses router. It needs the
 * case module's view of cases (`CaseSource`); `modules.ts` mounts it once the case module is open.
 */
import type Router from '@koa/router';
import type { Appliance } from '../appliance.js';
import { analysisRoutes } from '../routes/analyses.js';
import { AnalysisStore } from './analysisStore.js';
import type { AnalysisDeps, CaseSource } from './caseAnalyses.js';

export async function openAnalyses(appliance: Appliance, cases: CaseSource): Promise<{ router: Router; deps: AnalysisDeps; close(): Promise<void> }> {
  const store = await AnalysisStore.open(appliance.config.dataDir, appliance.log);
  const deps: AnalysisDeps = {
    cases,
    store,
    usage: appliance.usage,
    assertCanRun: () => appliance.license.assertCanCreate('analysis'),
    threshold: appliance.config.predictionThreshold,
    clock: appliance.clock,
  };
  return { router: analysisRoutes(deps), deps, close: () => store.flushed() };
}
