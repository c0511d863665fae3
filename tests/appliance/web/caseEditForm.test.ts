/**
 * The case edit form without a server: the notification instant split into the form's Paris date
 * and hour (across a clock change), the change it builds from the typed values, what a person
 * without `cases.archive` edits, and the history's French lines.
 */
import { describe, expect, it } from 'vitest';
import { changeLine } from '../../../appliance/src/web/caseChangesView.js';
import { caseEditFields, editableFields, notificationParts, parseCaseEditForm } from '../../../appliance/src/web/caseEditForm.js';
import { CASE_EDIT_CATALOGUES } from '../../../appliance/src/web/caseEditMessages.js';
import { CATALOGUES } from '../../../appliance/src/web/messages.js';

const m = CATALOGUES.fr;
const e = CASE_EDIT_CATALOGUES.fr;
const ctx = { mayDecide: true, letterSetsNotification: false, today: '2026-12-05' };
const values = {
  lastName: 'Benali',
  firstName: 'Karim',
  nationality: 'dz',
  birthDate: '1991-04-12',
  agdref: '',
  email: '',
  phone: '',
  address: '',
  procedure: 'oqtf_retention',
  notificationDate: '2026-07-14',
  notificationTime: '18:05',
  decisionAuthority: 'Préfet du Rhône',
  decisionReference: '',
  decisionSummary: '',
  departement: '',
  assignedTo: '',
  status: 'filed',
  outcome: '',
  notes: 'Audience le 2 avril',
};

describe('the notification instant in the form', () => {
  it('shows a stored instant as its Paris date and hour, summer and winter time alike', () => {
    // 2026-03-29 is the spring change: 01:30Z is 03:30 in Paris (UTC+2), 00:30Z is 01:30 (UTC+1).
    expect(notificationParts('2026-03-29T01:30:00Z')).toEqual({ date: '2026-03-29', time: '03:30' });
    expect(notificationParts('2026-03-29T00:30:00Z')).toEqual({ date: '2026-03-29', time: '01:30' });
    // 22:30Z on 3 March is 23:30 in Paris the same day; 23:30Z is already 4 March.
    expect(notificationParts('2026-03-03T23:30:00Z')).toEqual({ date: '2026-03-04', time: '00:30' });
    expect(notificationParts('2026-03-03')).toEqual({ date: '2026-03-03', time: '' });
  });
});

describe('the change the form builds', () => {
  it('joins date and hour with the Paris offset, removes emptied fields and clears the département', () => {
    const r = parseCaseEditForm(m, e, values, ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // 14 July 2026 at 18:05 in Paris: summer time, UTC+2.
    expect(r.patch.decisionNotifiedAt).toBe('2026-07-14T18:05:00+02:00');
    expect(r.patch.client).toEqual({
      lastName: 'Benali',
      firstName: 'Karim',
      nationality: 'DZ',
      birthDate: '1991-04-12',
      agdrefNumber: undefined,
      email: undefined,
      phone: undefined,
      address: undefined,
    });
    expect(r.patch).toMatchObject({ departement: null, assignedTo: null, outcome: null, status: 'filed', notes: 'Audience le 2 avril' });
  });

  it('leaves the lawyer in charge, the status and the outcome out for a person without cases.archive', () => {
    const names = editableFields(caseEditFields(m, e), { ...ctx, mayDecide: false }).map((f) => f.name);
    expect(names).not.toContain('assignedTo');
    expect(names).not.toContain('status');
    expect(names).not.toContain('outcome');
    const r = parseCaseEditForm(m, e, { ...values, status: 'closed', assignedTo: 'x' }, { ...ctx, mayDecide: false });
    expect(r.ok && Object.keys(r.patch)).not.toContain('status');
  });

  it('names a date in the future and a closing without outcome', () => {
    const r = parseCaseEditForm(m, e, { ...values, notificationDate: '2026-12-06', status: 'closed' }, ctx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      { field: 'notificationDate', message: 'Date de notification : la date ne peut pas être dans le futur.' },
      { field: 'outcome', message: e.outcomeRequired },
    ]);
  });
});

describe('the history’s lines', () => {
  const nobody = () => '';
  it('says dates in words, procedures, statuses, outcomes and facts by name', () => {
    expect(changeLine({ field: 'decisionNotifiedAt', before: '2026-03-03', after: '2026-03-04T10:15:00+01:00' }, 'fr', nobody)).toBe(
      'Date de notification : 3 mars 2026 → 4 mars 2026 à 10:15',
    );
    expect(changeLine({ field: 'status', before: 'open', after: 'closed' }, 'fr', nobody)).toBe('Statut du dossier : Ouvert → Clos');
    expect(changeLine({ field: 'outcome', before: null, after: 'moot' }, 'fr', nobody)).toBe(
      'Issue du dossier : (vide) → Non-lieu à statuer',
    );
    expect(changeLine({ field: 'assignedTo', before: null, after: 'u1' }, 'fr', (id) => (id === 'u1' ? 'Maître Morel' : ''))).toBe(
      'Avocat en charge : (vide) → Maître Morel',
    );
    expect(changeLine({ field: 'facts.libertyStatus', before: 'free', after: 'retention' }, 'fr', nobody)).toMatch(
      /^Situation de la personne aujourd’hui : Libre → .*rétention/i,
    );
    expect(changeLine({ field: 'status', before: 'open', after: 'closed' }, 'en', nobody)).toBe('Case status: Open → Closed');
  });
});
