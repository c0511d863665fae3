/**
 * The renewal window on the pages: gathered with the case's deadlines (dashboard and case page),
 * shown as "du … au …" with its readings earliest first, and exported to the .ics feeds as one
 * all-day event spanning the window. Dates computed by hand in tests/appliance/ceseda/renewal.test.ts:
 * a carte expiring Wednesday 30 June 2027, requested online → 2 March to 1 May 2027 (or 3 March to
 * 2 May when the expiry day counts).
 */
import { h } from 'preact';
import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../../appliance/src/domain/cases/caseSchema.js';
import { buildDeadlinesIcs } from '../../../appliance/src/web/calendarIcs.js';
import { calendarMonthsOf } from '../../../appliance/src/web/calendarMonths.js';
import { calendarItemsOf, deadlinesOf } from '../../../appliance/src/web/caseViews.js';
import { CalendarPage } from '../../../appliance/src/web/pages/calendar.js';
import { DashboardPage } from '../../../appliance/src/web/pages/dashboard.js';
import { renderHtml } from '../../../appliance/src/web/render.js';
import type { Chrome } from '../../../appliance/src/web/viewModels.js';

function caseWith(facts: Record<string, unknown>, over: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: 'case-renewal-1',
    reference: 'D-2027-014',
    client: { lastName: 'Benali', firstName: 'Karim', nationality: 'DZ', birthDate: '1990-04-12' },
    procedure: 'demande_titre_sejour',
    decisionNotifiedAt: '2026-11-02',
    decision: {},
    departement: '75',
    status: 'open',
    outcome: null,
    archived: false,
    assignedTo: null,
    notes: '',
    facts,
    documents: [],
    analyses: [],
    history: [],
    createdAt: '2026-11-03T09:00:00Z',
    createdBy: 'marie@dupont.fr',
    updatedAt: `2026-11-03T09:00:0${Object.keys(facts).length}Z`,
    ...over,
  } as CaseRecord;
}

const chrome: Chrome = {
  locale: 'fr',
  cabinetName: 'Cabinet Dupont',
  color: '#2c3e50',
  logoUrl: null,
  user: { name: 'Marie Durand', email: 'marie@dupont.fr', isAdmin: true },
  csrf: 'tok123',
  path: '/',
};

const ONLINE = {
  residencePermitKind: 'carte_sejour_temporaire',
  residencePermitExpiresOn: '2027-06-30',
  residencePermitRenewalOnline: true,
};

describe('renewal window with the deadlines', () => {
  it('is gathered with the case’s deadlines, from the current facts, whatever the procedure', () => {
    const items = deadlinesOf(caseWith(ONLINE));
    expect(items).toHaveLength(1);
    const [w] = items;
    expect(w).toMatchObject({
      caseId: 'case-renewal-1',
      label: 'Fenêtre de demande de renouvellement (carte de séjour temporaire expirant le mercredi 30 juin 2027)',
      opensAt: '2027-03-02T12:00:00Z',
      dueAt: '2027-05-01T12:00:00Z',
      hourly: false,
    });
    expect(w!.readings!.map((r) => [r.opensAt.slice(0, 10), r.dueAt.slice(0, 10)])).toEqual([
      ['2027-03-02', '2027-05-01'],
      ['2027-03-03', '2027-05-02'],
    ]);
    expect(deadlinesOf(caseWith({ residencePermitKind: 'carte_resident' }))).toEqual([]);
    // A récépissé has no window: nothing to show as a date.
    expect(deadlinesOf(caseWith({ residencePermitKind: 'recepisse', residencePermitExpiresOn: '2027-06-30' }))).toEqual([]);
  });

  it('sits among the deadlines by its closing day', () => {
    // Refusal of a titre notified Monday 2 November 2026: two months franc → échéance Saturday 2
    // January 2027, last day Sunday 3 → Monday 4 January 2027, before the window's 1 May 2027.
    const items = deadlinesOf(caseWith(ONLINE, { id: 'case-renewal-2', procedure: 'refus_titre_sejour' }));
    expect(items.map((d) => d.dueAt.slice(0, 10))).toEqual(['2027-01-04', '2027-01-04', '2027-01-04', '2027-05-01']);
    expect(items[3]!.opensAt).toBe('2027-03-02T12:00:00Z');
  });

  it('shows on the dashboard as a window, with its readings earliest first', () => {
    const [item] = deadlinesOf(caseWith(ONLINE));
    const html = renderHtml(
      h(DashboardPage, {
        chrome,
        view: {
          sections: [
            {
              id: 'mine',
              total: 1,
              groups: [{ urgency: 'later', items: [item!], total: 1, page: 1, pages: 1, pageSize: 10, collapsed: true }],
            },
          ],
          now: '2027-03-10T10:00:00Z',
          openByProcedure: [],
          plan: null,
          meters: [],
          calendarFeed: null,
        },
      }),
    );
    // The dashboard gives the weekdays and what is left: 2 March 2027 is a Tuesday, 1 May a Saturday,
    // 52 days after 10 March (21 days to the end of March, 30 in April, 1 in May).
    expect(html.replace(/[\u00a0\u202f]/g, ' ')).toContain(
      '<span class="window">Fenêtre : du mar. 2 mars 2027 au sam. 1 mai 2027<strong class="left"> dans 52 jours</strong></span>',
    );
    expect(html).toContain('<summary>Lectures du texte (la plus précoce d’abord)</summary>');
    const first = html.indexOf('téléservice, jour de l’expiration non compté');
    const second = html.indexOf('téléservice, jour de l’expiration compté comme le premier qui la précède');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(html).toContain('Fenêtre : du 03/03/2027 au 02/05/2027');
    expect(html).toContain('CESEDA R. 431-5 1°');
  });

  it('goes to the .ics feed as one all-day event spanning the window, reminded at its start and a week before its end', () => {
    const items = calendarItemsOf(caseWith(ONLINE, { id: 'case-renewal-3', procedure: 'refus_titre_sejour' }));
    const window = items.find((i) => i.opensAt !== undefined)!;
    expect(window.uid).toBe('case-renewal-3-renewal@iamanager');
    // The deadlines keep the uids they had before the window existed.
    expect(items.filter((i) => i.opensAt === undefined).map((i) => i.uid)).toEqual([
      'case-renewal-3-0@iamanager',
      'case-renewal-3-1@iamanager',
      'case-renewal-3-2@iamanager',
    ]);
    const ics = buildDeadlinesIcs([window], 'Cabinet Dupont');
    expect(ics).toContain('DTSTART;VALUE=DATE:20270302');
    // DTEND of an all-day event is exclusive: the day after the last day, 1 May.
    expect(ics).toContain('DTEND;VALUE=DATE:20270502');
    // 2 March → 1 May 2027 is 60 days; a week before the end: 53 days after the start, at 9:00
    // → 53 × 24 + 9 = 1281 hours.
    expect(ics).toContain('TRIGGER:PT9H');
    expect(ics).toContain('TRIGGER:PT1281H');
    expect(ics).toContain('D-2027-014 : Fenêtre de demande de renouvellement');
  });

  it('shows on the calendar page: open windows apart, then month by month for the next twelve months', () => {
    const now = new Date('2027-03-10T10:00:00Z');
    const items = [
      // Window 2 March → 1 May 2027 (open on 10 March), and the refusal notified 2 November 2026
      // whose deadlines (4 January 2027) are past.
      ...deadlinesOf(caseWith(ONLINE, { id: 'case-cal-1', procedure: 'refus_titre_sejour' })),
      // Refusal notified Monday 15 February 2027: échéance Thursday 15 April, franc → Friday 16 April 2027.
      ...deadlinesOf(
        caseWith({}, { id: 'case-cal-2', reference: 'D-2027-020', procedure: 'refus_titre_sejour', decisionNotifiedAt: '2027-02-15' }),
      ),
      // A carte expiring 31 December 2028, online: closes 1 November 2028, beyond March 2028.
      ...deadlinesOf(
        caseWith(
          { residencePermitKind: 'carte_resident', residencePermitExpiresOn: '2028-12-31', residencePermitRenewalOnline: true },
          { id: 'case-cal-3' },
        ),
      ),
    ];
    const view = calendarMonthsOf(items, now);
    expect(view.openWindows.map((d) => d.caseId)).toEqual(['case-cal-1']);
    expect(view.months.map((mo) => [mo.month, mo.items.map((d) => d.dueAt.slice(0, 10))])).toEqual([
      ['2027-04', ['2027-04-16', '2027-04-16', '2027-04-16']],
      ['2027-05', ['2027-05-01']],
    ]);
    const html = renderHtml(h(CalendarPage, { chrome, view }));
    expect(html).toContain('<h1>Calendrier des échéances</h1>');
    expect(html).toContain('<h2 id="open-windows">Fenêtres de renouvellement ouvertes</h2>');
    expect(html).toContain('<h2 id="month-2027-04">avril 2027</h2>');
    expect(html).toContain('<h2 id="month-2027-05">mai 2027</h2>');
    // Once among the open windows, once in May (the readings repeat the dates in their fold).
    expect(html.match(/<span class="window">Fenêtre : du 02\/03\/2027 au 01\/05\/2027<\/span>/g)).toHaveLength(2);
    expect(html).not.toContain('2028');
  });

  it('computes the dashboard’s deadlines with the territory of the case’s département', () => {
    // OQTF notified Monday 15 March 2027 by the préfet de Mayotte (976): droit commun, two months
    // franc → échéance Saturday 15 May, last day Sunday 16 May, Monday 17 May is Whit Monday →
    // Tuesday 18 May 2027. In Paris (75): L. 911-1, one month franc → Friday 16 April 2027.
    const mayotte = deadlinesOf(caseWith({}, { id: 'case-976', procedure: 'oqtf', decisionNotifiedAt: '2027-03-15', departement: '976' }));
    const paris = deadlinesOf(caseWith({}, { id: 'case-75', procedure: 'oqtf', decisionNotifiedAt: '2027-03-15', departement: '75' }));
    expect(mayotte.map((d) => [d.label, d.dueAt.slice(0, 10)])).toContainEqual([
      expect.stringContaining('Recours en annulation (droit commun, non suspensif — Mayotte)'),
      '2027-05-18',
    ]);
    expect(paris.map((d) => d.dueAt.slice(0, 10))).toContain('2027-04-16');
    expect(paris.map((d) => d.dueAt.slice(0, 10))).not.toContain('2027-05-18');
  });
});
