/** The ICS and PDF builders, and the small pure pieces the pages rely on. */
import { describe, expect, it } from 'vitest';
import { DomainError, ProtocolError, ValidationError, parseWith } from '@iamanager/protocol';
import { buildDeadlinesIcs } from '../../../appliance/src/web/calendarIcs.js';
import { buildAnalysisPdf } from '../../../appliance/src/web/analysisPdf.js';
import { brandCss, onColor } from '../../../appliance/src/web/assets.js';
import { CATALOGUES } from '../../../appliance/src/web/messages.js';
import { groupByUrgency, urgencyOf } from '../../../appliance/src/web/urgency.js';
import { describeError } from '../../../appliance/src/web/webErrors.js';
import { parseForm } from '../../../appliance/src/web/formIssues.js';
import { parseNewCaseForm } from '../../../appliance/src/web/newCaseForm.js';
import { FACTS_CATALOGUES } from '../../../appliance/src/web/factsMessages.js';
import { newUserFields } from '../../../appliance/src/web/userForm.js';
import { newCaseSchema } from '../../../appliance/src/domain/cases/caseSchema.js';
import { newUserSchema } from '../../../appliance/src/domain/users/users.js';
import { actionLabel } from '../../../appliance/src/web/actionLabels.js';
import { formatDateValue } from '../../../appliance/src/web/format.js';
import { licenseStateLabel, licenseWarnings } from '../../../appliance/src/web/licenseLabels.js';
import type { LicenseStatus } from '../../../appliance/src/domain/license/licenseStore.js';
import { safeNext } from '@iamanager/kernel/web';
import { TELEMETRY_PURPOSES_FR } from '../../../appliance/src/web/telemetryLabels.js';
import { TELEMETRY_FIELDS } from '../../../appliance/src/domain/heartbeat/telemetryFields.js';

const fr = CATALOGUES.fr;
const ffr = FACTS_CATALOGUES.fr;

describe('ICS export', () => {
  it('puts an hour-based deadline at its exact UTC instant with reminders', () => {
    const ics = buildDeadlinesIcs(
      [
        {
          uid: 'c1-d1@iamanager',
          summary: 'D-1 : recours, TA',
          description: 'CESEDA art. L. 614-6',
          dueAt: '2026-11-25T10:00:00.000Z',
          hourly: true,
        },
      ],
      'Échéances',
    );
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('DTSTART:20261125T100000Z');
    expect(ics).toContain('UID:c1-d1@iamanager');
    expect(ics).toContain('SUMMARY:D-1 : recours\\, TA');
    expect(ics).toContain('TRIGGER:-PT24H');
    expect(ics).toContain('\r\n');
  });

  it('puts a day-based deadline on its Paris calendar date as an all-day event', () => {
    // 23:30 UTC on 1 March is 00:30 on 2 March in Paris.
    const ics = buildDeadlinesIcs(
      [{ uid: 'x@iamanager', summary: 'RAPO', description: '', dueAt: '2026-03-01T23:30:00.000Z', hourly: false }],
      'Échéances',
    );
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
          {
            label: 'Recours contentieux',
            court: 'TA de Paris',
            dueAt: '2026-12-24T23:00:00Z',
            hourly: false,
            computation: '30 jours',
            article: 'CESEDA art. L. 614-4',
            notes: ['L’aide juridictionnelle peut être demandée au plus tard lors de l’introduction du recours (L. 911-1 al. 2).'],
            toVerify: 'délai franc discuté',
          },
          // A délai running from a later event has no date yet: the PDF says "À déterminer".
          {
            label: 'Recours en annulation après rejet du RAPO',
            court: 'Tribunal administratif de Nantes',
            dueAt: '',
            hourly: false,
            computation: 'Délai de 2 mois (CJA R. 421-1) courant à compter du rejet du RAPO',
            article: 'CJA R. 421-1',
          },
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
    const err = new DomainError('plan_limit', 'the starter plan allows 3 active users and all are in use', {
      limit: 'maxUsers',
      value: 3,
      upgradePlan: 'professional',
    });
    expect(describeError(err, fr).text).toBe(
      'Votre formule Starter permet 3 utilisateurs actifs et tous sont utilisés. La formule Professionnel en permet davantage : contactez votre éditeur pour changer de formule.',
    );
  });

  it('names the field in French for a domain validation message', () => {
    const err = new DomainError('already_exists', 'email: a user with a@b.fr already exists');
    expect(describeError(err, fr, { email: 'Adresse e-mail' }).fields).toEqual([
      { field: 'email', message: 'Adresse e-mail : un utilisateur avec cette adresse existe déjà.' },
    ]);
  });

  it('names each refused field in French with what it accepts, never the English reason', () => {
    // The page parses with the API's newCaseSchema and says each issue in French beside its input.
    const form = {
      lastName: '',
      firstName: 'Karim',
      // A name the picker does not know (« Algérie » is one it knows: the form reads names since issue 16).
      nationality: 'Narnia',
      birthDate: '1990-02-30',
      agdref: '12345',
      procedure: 'oqtf_48h',
      notificationDate: '2026-11-20',
      notificationTime: '',
      assignedTo: 'not-a-user',
      notes: '',
    };
    const d = parseNewCaseForm(fr, ffr, form, '2026-11-25');
    expect(d.ok).toBe(false);
    expect(d.ok ? [] : d.errors).toEqual([
      { field: 'lastName', message: 'Nom : ce champ est obligatoire.' },
      {
        field: 'nationality',
        message:
          'Nationalité : « Narnia » n’est pas un pays connu. Choisissez le pays dans la liste (nom français, par exemple Algérie, Sénégal) ou tapez son code ISO (DZ, SN) ; « Apatride » ou « Nationalité inconnue » si besoin.',
      },
      { field: 'birthDate', message: 'Date de naissance : saisissez une date au format JJ/MM/AAAA.' },
      { field: 'agdref', message: 'Numéro AGDREF : le numéro AGDREF compte 10 chiffres.' },
      { field: 'procedure', message: 'Procédure : choisissez une valeur dans la liste.' },
      { field: 'assignedTo', message: 'Avocat en charge : la valeur saisie n’est pas acceptée ; vérifiez-la.' },
    ]);
    // The same input through the same schema, as the JSON API parses it: its English "field: fix" lines.
    expect(() =>
      parseWith(newCaseSchema, {
        client: { lastName: '', firstName: 'Karim', nationality: 'Algérie', birthDate: '1990-02-30' },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-20',
      }),
    ).toThrow(
      new ValidationError([
        'client.lastName: is required: the family name',
        'client.nationality: (Algérie) is not a known code: must be an ISO 3166-1 country code (alpha-2 such as DZ, SN, AF, or alpha-3 such as DZA), XXA for a stateless person or XXX for an unknown nationality (ICAO 9303)',
        'client.birthDate: is not a real calendar date',
      ]),
    );
  });

  it('checks on the page only what the new-case schema cannot know: today, and the time beside the date', () => {
    const form = {
      lastName: 'Benali',
      firstName: 'Karim',
      nationality: 'dz',
      birthDate: '2027-01-01',
      agdref: '',
      procedure: 'oqtf',
      notificationDate: '2026-11-20',
      notificationTime: '9h',
      assignedTo: '',
      notes: '',
    };
    const d = parseNewCaseForm(fr, ffr, form, '2026-11-25');
    expect(d.ok ? [] : d.errors).toEqual([
      { field: 'birthDate', message: 'Date de naissance : la date ne peut pas être dans le futur.' },
      { field: 'notificationTime', message: 'Heure de notification (délais en heures) : saisissez une heure au format HH:MM.' },
    ]);
    // A time no clock shows, or a date no calendar has beside a good time: said, never a crash.
    const hour25 = parseNewCaseForm(fr, ffr, { ...form, birthDate: '1990-05-17', notificationTime: '25:00' }, '2026-11-25');
    expect(hour25.ok ? [] : hour25.errors).toEqual([
      { field: 'notificationTime', message: 'Heure de notification (délais en heures) : saisissez une heure au format HH:MM.' },
    ]);
    const month13 = parseNewCaseForm(
      fr,
      ffr,
      { ...form, birthDate: '1990-05-17', notificationDate: '2026-13-45', notificationTime: '10:00' },
      '2026-11-25',
    );
    expect(month13.ok ? [] : month13.errors).toEqual([
      { field: 'notificationDate', message: 'Date de notification : saisissez une date au format JJ/MM/AAAA.' },
    ]);
    const ok = parseNewCaseForm(fr, ffr, { ...form, birthDate: '1990-05-17', notificationTime: '09:30' }, '2026-11-25');
    expect(ok).toEqual({
      ok: true,
      data: {
        client: { lastName: 'Benali', firstName: 'Karim', nationality: 'DZ', birthDate: '1990-05-17' },
        procedure: 'oqtf',
        decisionNotifiedAt: '2026-11-20T09:30:00+01:00',
      },
    });
  });

  it('says a refused new user in French from the users schema: required, email, minimum length', () => {
    const d = parseForm(newUserSchema, { name: ' ', email: 'marie', role: 'avocat', password: 'short' }, newUserFields(fr), fr);
    expect(d.ok ? [] : d.errors).toEqual([
      { field: 'name', message: 'Nom complet : ce champ est obligatoire.' },
      { field: 'email', message: 'Adresse e-mail : saisissez une adresse e-mail, par exemple marie.durand@cabinet.fr.' },
      { field: 'password', message: 'Mot de passe : 12 caractères au minimum.' },
    ]);
    const empty = parseForm(newUserSchema, { name: 'Marie', email: '', role: 'avocat', password: '' }, newUserFields(fr), fr);
    expect(empty.ok ? [] : empty.errors).toEqual([
      { field: 'email', message: 'Adresse e-mail : ce champ est obligatoire.' },
      { field: 'password', message: 'Mot de passe : 12 caractères au minimum.' },
    ]);
  });

  it('still names a field the domain refused by a check of its own, in French', () => {
    const err = new ValidationError([
      'client.lastName: is required: the last name',
      'assignedTo: no user 5d6e… in this cabinet',
      'code: must be the enrollment code from your vendor (letters, digits and dashes)',
    ]);
    const d = describeError(err, fr, { 'client.lastName': 'Nom', 'assignedTo': 'Avocat en charge', 'code': 'Code d’inscription' });
    expect(d.fields).toEqual([
      { field: 'client.lastName', message: 'Nom : ce champ est obligatoire.' },
      { field: 'assignedTo', message: 'Avocat en charge : la valeur saisie n’est pas acceptée ; vérifiez-la.' },
      { field: 'code', message: 'Code d’inscription : saisissez le code tel que remis par votre éditeur (lettres, chiffres et tirets).' },
    ]);
    expect(d.status).toBe(400);
  });

  it('explains a refused upload in French by its code', () => {
    const upload = (e: DomainError) => describeError(e, fr, { file: 'Fichier' }, 'upload');
    expect(
      upload(new DomainError('payload_too_large', 'file: larger than 25 MiB; split or compress it', { limit: 25 * 2 ** 20 })).text,
    ).toBe('Fichier : 25 Mo au maximum ; scindez ou compressez le document.');
    expect(
      upload(
        new DomainError(
          'unsupported_media_type',
          'file: its content is not application/pdf (the name or type says one thing, the bytes another)',
        ),
      ).fields,
    ).toEqual([
      {
        field: 'file',
        message:
          'Fichier : seuls les fichiers PDF, JPEG, PNG, DOCX, ODT et texte brut sont acceptés, et leur contenu doit correspondre à leur extension.',
      },
    ]);
    expect(upload(new DomainError('invalid_input', 'file: is empty')).text).toBe('Fichier : choisissez un fichier non vide.');
  });

  it('explains a refused license file in French by the verification code', () => {
    const imported = (e: DomainError) => describeError(e, fr, {}, 'licenseImport').text;
    expect(imported(new ProtocolError('bad_signature', 'the license signature does not match any trusted vendor key'))).toBe(
      'La signature de cette licence ne correspond à aucune clé de l’éditeur : le fichier a été modifié ou ne vient pas de votre éditeur.',
    );
    expect(imported(new ProtocolError('wrong_audience', 'this license was issued to another appliance'))).toBe(
      'Cette licence a été délivrée pour un autre appareil ou un autre cabinet.',
    );
    expect(imported(new DomainError('invalid_input', 'file: is neither a license (JWS) nor a license file (JSON) from your vendor'))).toBe(
      'Ce contenu n’est pas un fichier de licence de votre éditeur : collez le fichier reçu, sans le modifier.',
    );
    expect(imported(new DomainError('license_older', 'this license is older than the one installed: nothing changed'))).toBe(
      'Cette licence est plus ancienne que celle déjà installée : rien n’a été modifié.',
    );
  });

  it('never shows a domain error’s English message on a page; an unknown code is named for support', () => {
    const errors = [
      new DomainError('enrollment_refused', 'the control plane refused the enrollment (404 unknown_code: no such code)'),
      new DomainError('invalid_input', 'code: must be the enrollment code from your vendor (letters, digits and dashes)'),
      new DomainError('wrong_cabinet', 'this code enrolls cabinet "x", but CLIENT_ID is "y": check the code or CLIENT_ID'),
      new DomainError('license_invalid', 'cannot create a new case: the installed license does not verify (edited or damaged file)'),
      new DomainError('not_enrolled', 'this appliance is not enrolled yet: finish the setup (enrollment code or license file) first'),
      new DomainError('storage_full', 'the disk holding /data is full: free some space; nothing was changed'),
      new DomainError('invalid_input', 'you cannot disable yourself or remove your own admin role: ask another admin'),
      new DomainError('something_new', 'an English sentence'),
    ];
    const texts = errors.map((e) => describeError(e, fr, { code: 'Code d’inscription' }).text);
    errors.forEach((e, i) => expect(texts[i], e.code).not.toContain(e.message));
    expect(texts).toEqual([
      'Code d’inscription refusé par l’éditeur : vérifiez le code (il a pu expirer ou avoir déjà servi), ou importez un fichier de licence.',
      'Code d’inscription : saisissez le code tel que remis par votre éditeur (lettres, chiffres et tirets).',
      'Ce code d’inscription concerne un autre cabinet que celui configuré sur l’appareil (CLIENT_ID) : vérifiez le code ou la configuration avec votre prestataire.',
      'La licence installée n’est pas valide (fichier modifié ou endommagé) : la création est refusée, la consultation et l’export restent possibles. Importez de nouveau le fichier de licence ou laissez l’appareil joindre l’éditeur.',
      'L’appareil n’est pas encore inscrit : terminez la mise en service (code d’inscription ou fichier de licence).',
      'Le disque de l’appareil est plein : rien n’a été enregistré. Prévenez votre prestataire informatique.',
      'Les données envoyées ne sont pas acceptées : vérifiez la saisie et recommencez.',
      'L’opération a échoué (code « something_new »). Si le problème persiste, communiquez ce code à votre prestataire.',
    ]);
  });

  it('shows the license state, its warnings and the case history in French', () => {
    const status: LicenseStatus = {
      enrolled: true,
      state: 'grace',
      applianceId: 'a',
      cabinetId: 'c',
      plan: 'starter',
      limits: null,
      expiresAt: '2026-11-01T00:00:00Z',
      graceEndsAt: '2026-11-15T00:00:00Z',
      clockSetBack: true,
      vendorKeysPinned: true,
      warnings: ['English, for the API'],
    };
    expect(licenseStateLabel(status.state, fr)).toBe('Expirée, en période de grâce');
    expect(licenseWarnings(status, ['MAX_USERS=50 is above the license’s 3: ignored'], fr, 'fr')).toEqual([
      'Des valeurs du fichier .env dépassent la licence signée et sont ignorées (la licence prime) ; votre prestataire informatique en trouvera le détail dans le journal de l’appareil.',
      'L’horloge de l’appareil retarde sur une date qu’il a déjà connue : faites-la corriger (NTP) ; la licence est appréciée à la date la plus tardive.',
      'La licence a expiré le 01/11/2026 ; la période de grâce prend fin le 15/11/2026 : d’ici là, l’appareil doit joindre l’éditeur, ou une nouvelle licence doit être importée.',
    ]);
    expect(licenseWarnings({ ...status, state: 'valid', clockSetBack: false }, [], fr, 'fr')).toEqual([]);
    expect(licenseWarnings({ ...status, state: 'valid', clockSetBack: false, vendorKeysPinned: false }, [], fr, 'fr')).toEqual([
      'Les clés de l’éditeur ne sont pas épinglées (VENDOR_KEY_PINS absent de la configuration) : l’appareil fait confiance aux clés reçues lors de l’inscription, et quiconque peut écrire dans son dossier de données pourrait y installer une licence signée d’une autre clé. Demandez à votre prestataire informatique de recopier la ligne VENDOR_KEY_PINS du fichier .env remis par l’éditeur.',
    ]);
    expect(
      ['created', 'document.upload', 'analysis', 'case.document.upload', 'calendar.feed.read'].map((a) => actionLabel(a, 'fr')),
    ).toEqual(['Dossier créé', 'Pièce ajoutée', 'Analyse CESEDA lancée', 'Ajout d’une pièce', 'Lecture du calendrier par abonnement']);
    expect(actionLabel('some.future.action', 'fr')).toBe('some.future.action');
  });

  it('shows stored dates as DD/MM/YYYY, with the Paris time for a date-time', () => {
    expect(formatDateValue('1991-04-12', 'fr')).toBe('12/04/1991');
    expect(formatDateValue('2026-11-20T16:30:00+01:00', 'fr')).toBe('20/11/2026 16:30');
    expect(formatDateValue('2026-07-10T14:00:00Z', 'fr')).toBe('10/07/2026 16:00');
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
