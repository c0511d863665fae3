/**
 * The dashboard's deadline sections: the caller's own cases first, the cabinet's next, the optional
 * recours administratifs apart (a RAPO is mandatory and stays with the others), one page of each
 * urgency group with the less urgent folded, and a page past the end clamped to the last.
 */
import { describe, expect, it } from 'vitest';
import { deadlineSections, pagedGroupOf } from '../../../appliance/src/web/dashboardView.js';
import type { DeadlineItem } from '../../../appliance/src/web/viewModels.js';

// Saturday 5 December 2026, 22:00 in Paris.
const NOW = new Date('2026-12-05T21:00:00Z');

function item(caseId: string, date: string, assignedTo: string | null, remedy = 'recours_contentieux'): DeadlineItem {
  return {
    caseId,
    caseLabel: caseId,
    label: remedy,
    dueAt: `${date}T12:00:00Z`,
    hourly: false,
    article: 'CJA R. 421-1',
    remedy,
    assignedTo,
  };
}

describe('the dashboard’s deadline sections', () => {
  it('puts the caller’s cases first, then the cabinet’s, and the optional remedies apart', () => {
    const sections = deadlineSections(
      [
        item('a', '2026-12-06', 'me'),
        item('b', '2026-12-06', 'other'),
        item('c', '2026-12-06', null),
        item('a', '2026-12-06', 'me', 'recours_gracieux'),
        item('b', '2026-12-20', 'other', 'recours_hierarchique'),
        // A RAPO (CESEDA D. 312-3) is mandatory: it stays with its case's deadlines.
        item('d', '2026-12-09', 'me', 'rapo'),
      ],
      'me',
      NOW,
      null,
    );
    expect(sections.map((s) => s.id)).toEqual(['mine', 'cabinet', 'optional']);
    const [mine, cabinet, optional] = sections;
    // Tomorrow (6 Dec) is < 48 h; Wednesday 9 Dec is 4 days away: < 7 days.
    expect(mine!.groups.map((g) => [g.urgency, g.items.map((d) => `${d.caseId}:${d.remedy}`)])).toEqual([
      ['within48h', ['a:recours_contentieux']],
      ['within7d', ['d:rapo']],
    ]);
    expect(cabinet!.groups.map((g) => [g.urgency, g.items.map((d) => d.caseId)])).toEqual([['within48h', ['b', 'c']]]);
    expect(optional!.total).toBe(2);
    expect(optional!.groups.flatMap((g) => g.items.map((d) => d.remedy))).toEqual(['recours_gracieux', 'recours_hierarchique']);
  });

  it('folds the less urgent groups of a long section: later ones of mine, past 48 h for the cabinet, every optional one', () => {
    // Three of each per urgency: 12 of mine (more than a page of 10), 12 of the cabinet's (pages of 5).
    const dates = ['2026-12-04', '2026-12-06', '2026-12-09', '2027-01-15'];
    const three = (d: string, who: string, remedy?: string) => [1, 2, 3].map((n) => item(`${who}${n}${d}`, d, who, remedy));
    const sections = deadlineSections(
      dates.flatMap((d) => [...three(d, 'me'), ...three(d, 'other'), ...three(d, 'me', 'recours_gracieux')]),
      'me',
      NOW,
      null,
    );
    const folded = (id: string) => sections.find((s) => s.id === id)!.groups.map((g) => `${g.urgency}:${g.collapsed}`);
    expect(folded('mine')).toEqual(['overdue:false', 'within48h:false', 'within7d:false', 'later:true']);
    expect(folded('cabinet')).toEqual(['overdue:false', 'within48h:false', 'within7d:true', 'later:true']);
    expect(folded('optional')).toEqual(['overdue:true', 'within48h:true', 'within7d:true', 'later:true']);
  });

  it('leaves a short section open: a lawyer with a few deadlines sees them all', () => {
    // 4 of mine (≤ 10) and 5 of the cabinet's (≤ 5): nothing folded but the optional remedies.
    const dates = ['2026-12-04', '2026-12-06', '2026-12-09', '2027-01-15'];
    const sections = deadlineSections(
      [
        ...dates.map((d) => item(`m${d}`, d, 'me')),
        ...dates.map((d) => item(`c${d}`, d, 'other')),
        item('c5', '2027-02-01', null),
        item('o1', '2027-02-01', 'me', 'recours_gracieux'),
      ],
      'me',
      NOW,
      null,
    );
    expect(sections.map((s) => s.groups.filter((g) => g.collapsed).length)).toEqual([0, 0, 1]);
  });

  it('shows one page of a long group, pages it on its own, and clamps a page past the end', () => {
    // 23 deadlines of mine in 3 to 6 days (8–11 Dec): all < 7 days, 10 a page → 3 pages (10, 10, 3).
    const many = Array.from({ length: 23 }, (_, i) =>
      item(`k${String(i).padStart(2, '0')}`, `2026-12-${String(8 + (i % 4)).padStart(2, '0')}`, 'me'),
    );
    const first = deadlineSections(many, 'me', NOW, null)[0]!.groups[0]!;
    expect(first).toMatchObject({ urgency: 'within7d', total: 23, page: 1, pages: 3 });
    expect(first.items).toHaveLength(10);
    const third = deadlineSections(many, 'me', NOW, pagedGroupOf('mine-within7d', '3'))[0]!.groups[0]!;
    expect(third).toMatchObject({ page: 3, pages: 3 });
    expect(third.items).toHaveLength(3);
    const past = deadlineSections(many, 'me', NOW, pagedGroupOf('mine-within7d', '999'))[0]!.groups[0]!;
    expect(past).toMatchObject({ page: 3, pages: 3 });
    expect(past.items).toHaveLength(3);
    // Another group's page leaves this one on its first page.
    expect(deadlineSections(many, 'me', NOW, pagedGroupOf('cabinet-within7d', '2'))[0]!.groups[0]!.page).toBe(1);
  });

  it('reads the paged group from the address, ignoring anything else', () => {
    expect(pagedGroupOf('mine-later', '2')).toEqual({ key: 'mine-later', page: 2 });
    expect(pagedGroupOf('mine-later', '-4')).toEqual({ key: 'mine-later', page: 1 });
    expect(pagedGroupOf('theirs-later', '2')).toBeNull();
    expect(pagedGroupOf('mine-soon', '2')).toBeNull();
    expect(pagedGroupOf(['mine-later'], '2')).toBeNull();
  });
});
