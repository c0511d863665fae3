/**
 * The dashboard's deadlines as a lawyer wants them in the morning: their own cases first ("mes
 * échéances"), then the rest of the cabinet's, and the optional recours administratifs apart (they
 * never decide the case: domain/ceseda/optionalRemedies.ts). Each urgency group shows one page of
 * GROUP_PAGE_SIZE (or CABINET_PAGE_SIZE) deadlines and the less urgent ones are folded, so the page stays short at 150
 * cases; a group is paged on its own (`?groupe=mine-within7d&page=2`).
 */
import { isOptionalRemedy } from '../domain/ceseda/optionalRemedies.js';
import { groupByUrgency } from './urgency.js';
import type { DeadlineGroup, DeadlineItem, DeadlineSection, Urgency } from './viewModels.js';

/** Deadlines a group shows at once: the lawyer's own; the rest of the cabinet's, fewer (they are someone else's to act on). */
export const GROUP_PAGE_SIZE = 10;
export const CABINET_PAGE_SIZE = 5;
const pageSizeOf = (section: DeadlineSection['id']) => (section === 'mine' ? GROUP_PAGE_SIZE : CABINET_PAGE_SIZE);
export const URGENCIES: readonly Urgency[] = ['overdue', 'within48h', 'within7d', 'later'];
const SECTIONS: ReadonlyArray<DeadlineSection['id']> = ['mine', 'cabinet', 'optional'];

/** The group a page link names: `mine-within7d`. */
export type GroupKey = `${DeadlineSection['id']}-${Urgency}`;

/** The one group being paged, read from the address; anything else is page 1 of every group. */
export function pagedGroupOf(groupe: unknown, page: unknown): { key: GroupKey; page: number } | null {
  if (typeof groupe !== 'string') return null;
  const [section, urgency] = groupe.split('-');
  if (!SECTIONS.includes(section as DeadlineSection['id']) || !URGENCIES.includes(urgency as Urgency)) return null;
  const n = Number.parseInt(typeof page === 'string' ? page : '1', 10);
  return { key: groupe as GroupKey, page: Number.isFinite(n) && n >= 1 ? n : 1 };
}

/**
 * Folded unless urgent, once a section holds more than a page: in "mes échéances" the later ones;
 * for the rest of the cabinet everything past 48 h. A short section stays open (a lawyer with three
 * deadlines sees them all); the optional remedies are always folded (their whole section too).
 */
function collapsedByDefault(section: DeadlineSection['id'], urgency: Urgency, sectionTotal: number): boolean {
  if (section === 'optional') return true;
  if (sectionTotal <= pageSizeOf(section)) return false;
  if (section === 'mine') return urgency === 'later';
  return urgency === 'within7d' || urgency === 'later';
}

function groupOf(
  section: DeadlineSection['id'],
  urgency: Urgency,
  all: readonly DeadlineItem[],
  sectionTotal: number,
  paged: { key: GroupKey; page: number } | null,
): DeadlineGroup {
  const size = pageSizeOf(section);
  const pages = Math.max(1, Math.ceil(all.length / size));
  const asked = paged?.key === `${section}-${urgency}`;
  // A page past the end (an old link, fewer deadlines since) shows the last one rather than nothing.
  const page = asked ? Math.min(paged.page, pages) : 1;
  return {
    urgency,
    items: all.slice((page - 1) * size, page * size),
    total: all.length,
    page,
    pages,
    pageSize: size,
    collapsed: asked ? false : collapsedByDefault(section, urgency, sectionTotal),
  };
}

/** The dashboard's three sections, each grouped by urgency (empty groups left out). */
export function deadlineSections(
  items: readonly DeadlineItem[],
  userId: string,
  now: Date,
  paged: { key: GroupKey; page: number } | null,
): DeadlineSection[] {
  const bySection: Record<DeadlineSection['id'], DeadlineItem[]> = { mine: [], cabinet: [], optional: [] };
  for (const d of items) {
    if (isOptionalRemedy(d.remedy)) bySection.optional.push(d);
    else if (d.assignedTo === userId) bySection.mine.push(d);
    else bySection.cabinet.push(d);
  }
  return SECTIONS.map((id) => {
    const grouped = groupByUrgency(bySection[id], now);
    return {
      id,
      total: bySection[id].length,
      groups: URGENCIES.filter((u) => grouped[u].length > 0).map((u) => groupOf(id, u, grouped[u], bySection[id].length, paged)),
    };
  });
}
