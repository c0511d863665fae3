/** The ICS and PDF builders, and the small pure pieces the pages rely on. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '@iamanager/protocol';
import { buildDeadlinesIcs } from '../../../appliance/src/web/calendarIcs.js';
import { buildAnalysisPdf } from '../../../appliance/src/web/analysisPdf.js';
import { brandCss, onColor } from '../../../appliance/src/web/assets.js';
import { CATALOGUES } from '../../../appliance/src/web/messages.js';
import { groupByUrgency, urgencyOf } from '../../../appliance/src/web/urgency.js';
import { describeError } from '../../../appliance/src/web/webErrors.js';
import { safeNext } from '../../../appliance/src/web/routes/pageHandler.js';
import { TELEMETRY_PURPOSES_FR } from '../../../appliance/src/web/telemetryLabels.js';
import { TELEMETRY_FIELDS } from '../../../appliance/src/heartbeat/telemetryFields.js';

const fr = CATALOGUES.fr;

describe('ICS export', () => {
  it('puts an hour-based deadline at its exact UTC instant with reminders', () => {
    const ics = buildDeadlinesIcs([{ uid: 'c1-d1@iamanager', summary: 'D-1 : recours, TA', description: 'CESEDA art. L. 614-6', dueAt: '2026-11-25T10:00:00.000Z', hourly: true }], 'Échéances');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('DTSTART:20261125T100000Z');
    expect(ics).toContain('UID:c1-d1@iamanager');
    expect(ics).toContain('SUMMARY:D-1 : recours\\, TA');
    expect(ics).toContain('TRIGGER:-PT24H');
    expect(ics).toContain('\r\n');
  });

  it('puts a day-based deadline on its Paris calendar date as an all-day event', () => {
    // 23:30 UTC on 1 March is 00:30 on 2 March in Paris.
    const ics = buildDeadlinesIcs([{ uid: 'x@iamanager', summary: 'RAPO', description: '', dueAt: '2026-03-01T23:30:00.000Z', hourly: false }], 'Échéances');
    expect(ics).toContain('DTSTART;VALUE=DATE:20260302');
    expect(ics).toContain('DTEND;VALUE=DATE:20260303');
  });

  it('answers an empty but valid calendar when there is no deadline', () => {
    const ics = buildDeadlinesIcs([], 'Cabinet; test');
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2.0/);
    expect(ics).toContain('X-WR-CALNAME:Cabinet  test');
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
  });
});

describe('PDF export', () => {
  it('renders an analysis as a one-page A4 PDF titled with the case reference', async () => {
    const pdf = await buildAnalysisPdf({
      locale: 'fr',
      cabinet: { name: 'Cabinet Dupont', siret: '73282932000074', address: '1 rue de la Paix, 75002 Paris' },
      caseReference: 'D-2026-001',
      clientName: 'Amina Kébé',
      procedureLabel: 'OQTF',
      now: new Date('2026-11-24T00:00:00Z'),
      analysis: {
        id: 'a1',
        model: 'ceseda-basic-v1',
        createdAt: '2026-11-24T00:00:00Z',
        rulesAsOf: '2026-11-01',
        deadlines: [
          { label: 'Recours contentieux', court: 'TA de Paris', dueAt: '2026-12-24T23:00:00Z', hourly: false, computation: '30 jours', article: 'CESEDA art. L. 614-4', notes: ['L’aide juridictionnelle peut être demandée au plus tard lors de l’introduction du recours (L. 911-1 al. 2).'], toVerify: 'délai franc discuté' },
          // A délai running from a later event has no date yet: the PDF says "À déterminer".
          { label: 'Recours en annulation après rejet du RAPO', court: 'Tribunal administratif de Nantes', dueAt: '', hourly: false, computation: 'Délai de 2 mois (CJA R. 421-1) courant à compter du rejet du RAPO', article: 'CJA R. 421-1' },
        ],
        eligibility: [],
        estimate: null,
        rules: [{ rule: 'Délai de 30 jours', article: 'CESEDA art. L. 614-4' }],
      },
    });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toContain('/Count 1');
    expect(text).toContain('/MediaBox [0 0 595.28 841.89]');
    expect(pdf.length).toBeLessThan(200_000);
  });
});

describe('UI helpers', () => {
  it('sorts deadlines into overdue, < 48 h, < 7 days and later', () => {
    const now = new Date('2026-11-24T12:00:00Z');
    expect(urgencyOf('2026-11-24T11:59:00Z', now)).toBe('overdue');
    expect(urgencyOf('2026-11-26T11:59:00Z', now)).toBe('within48h');
    expect(urgencyOf('2026-11-26T12:00:00Z', now)).toBe('within7d');
    expect(urgencyOf('2026-12-01T12:00:00Z', now)).toBe('later');
    const item = (dueAt: string) => ({ caseId: dueAt, caseLabel: '', label: '', dueAt, hourly: false, article: '' });
    const groups = groupByUrgency([item('2026-11-25T10:00:00Z'), item('2026-11-24T20:00:00Z')], now);
    expect(groups.within48h.map((d) => d.dueAt)).toEqual(['2026-11-24T20:00:00Z', '2026-11-25T10:00:00Z']);
  });

  it('says in French which plan allows more when the plan refuses a user', () => {
    const err = new DomainError('plan_limit', 'the starter plan allows 3 active users and all are in use', { limit: 'maxUsers', value: 3, upgradePlan: 'professional' });
    expect(describeError(err, fr).text).toBe('Votre formule starter permet 3 utilisateurs actifs et tous sont utilisés. La formule professional en permet davantage : contactez votre éditeur pour changer de formule.');
  });

  it('names the field in French for a domain validation message', () => {
    const err = new DomainError('already_exists', 'email: a user with a@b.fr already exists');
    expect(describeError(err, fr, { email: 'Adresse e-mail' }).fields).toEqual([{ field: 'email', message: 'Adresse e-mail : un utilisateur avec cette adresse existe déjà.' }]);
  });

  it('follows only same-site paths after login', () => {
    expect(safeNext('/dossiers?page=2')).toBe('/dossiers?page=2');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
  });

  it('picks dark text on a light brand colour and white on a dark one', () => {
    expect(onColor('#2c3e50')).toBe('#ffffff');
    expect(onColor('#f1c40f')).toBe('#1b1f24');
    expect(brandCss('#2c3e50')).toBe(':root{--brand:#2c3e50;--on-brand:#ffffff}\n');
    expect(brandCss('red;}body{display:none')).toBe('');
  });

  it('has a French purpose for every heartbeat field that leaves the cabinet', () => {
    for (const f of TELEMETRY_FIELDS) expect(TELEMETRY_PURPOSES_FR[f.field], f.field).toBeTruthy();
  });

  it('has the same messages in English as in French, none empty', () => {
    expect(Object.keys(CATALOGUES.en).sort()).toEqual(Object.keys(CATALOGUES.fr).sort());
    for (const [k, v] of Object.entries(CATALOGUES.en)) expect(v, k).not.toBe('');
  });
});
