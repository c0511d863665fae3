/**
 * What the web pages need from the case files, as an interface the case module fulfils when it is
 * mounted (modules.ts). Until then the dashboard shows no deadlines and the case pages are absent.
 */
import type { DeadlineItem } from './viewModels.js';

export interface WebCaseSource {
  /** Every open case's pending deadlines (the dashboard groups and caps them). */
  upcomingDeadlines(): DeadlineItem[];
  /** Open (non-archived) cases counted by procedure code. */
  openByProcedure(): Array<{ procedure: string; count: number }>;
}
