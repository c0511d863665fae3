/**
 * The voies de régularisation as the analysis page and its PDF both show them: the routes the
 * facts make plausible apart from the others, and each route's conditions counted.
 */
import { fill } from './messages.js';
import type { FactsMessages } from './factsMessages.js';
import type { AnalysisView } from './viewModels.js';

type Route = AnalysisView['eligibility'][number];

/** "2 remplies, 1 non remplie, 3 à établir", in the page's language. */
export function routeCounts(route: Route, f: FactsMessages): string {
  const n = (s: 'met' | 'not_met' | 'unknown') => route.conditions.filter((c) => c.status === s).length;
  return fill(f.routeCounts, { met: n('met'), notMet: n('not_met'), unknown: n('unknown') });
}

/** The plausible routes (shown open) and the others (folded). */
export function splitRoutes(routes: readonly Route[]): { plausible: Route[]; others: Route[] } {
  return { plausible: routes.filter((t) => t.plausible === true), others: routes.filter((t) => t.plausible !== true) };
}
