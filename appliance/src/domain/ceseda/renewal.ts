import { addDays, addMonths, nextWorkingDay, nonWorkingReason, previousWorkingDay, type CalendarOptions } from './calendar.js';
import type { ResidencePermitKind } from './facts.js';
import { dateLongue } from './frenchFormat.js';
import { resolveTerritory } from './overseas.js';
import { calendarFor, type DeadlineContext } from './rules.js';

/**
 * The window in which the renewal of the client's current residence document must be requested
 * (CESEDA R. 431-5 1°), and what a late request costs. Like a deadline it has a legal basis and,
 * where the text leaves the day count open, several readings, earliest first.
 *
 * R. 431-5 1°: the holder of a document de séjour (L. 411-1 2° to 8°) requests the new title
 * "entre le cent-vingtième jour et le soixantième jour qui précède l'expiration" when the title is
 * on the téléservice list (R. 431-2), "dans le courant des deux mois précédant l'expiration"
 * otherwise. The text does not say whether the expiry day itself is one of the days "preceding"
 * the expiry: both counts are shown, and the one closing first is retained.
 */

export interface RenewalReading {
  label: string;
  opensOn: string;
  closesOn: string;
  computation: string[];
}

export interface RenewalWindow {
  kind: 'renewal_window';
  label: string;
  permitKind: ResidencePermitKind | null;
  expiresOn: string;
  /** The retained window (the reading that closes first); null when R. 431-5 sets none for this document. */
  opensOn: string | null;
  closesOn: string | null;
  /** Every reading, the one closing first first; empty when no window applies. */
  readings: RenewalReading[];
  legalBasis: string;
  /** What a request made after `closesOn` costs. */
  lateRequest: string[];
  /** The cover the document keeps after it expires, when the renewal was requested in time; null when none. */
  coverAfterExpiry: string | null;
  notes: string[];
  toVerify: string[];
}

export interface RenewalFacts {
  residencePermitKind?: ResidencePermitKind;
  residencePermitExpiresOn?: string;
  residencePermitRenewalOnline?: boolean;
}

const KIND_LABELS: Readonly<Record<ResidencePermitKind, string>> = {
  carte_sejour_temporaire: 'carte de séjour temporaire',
  carte_sejour_pluriannuelle: 'carte de séjour pluriannuelle',
  carte_resident: 'carte de résident',
  visa_long_sejour_valant_titre: 'visa de long séjour valant titre de séjour',
  recepisse: 'récépissé de demande de titre de séjour',
  autorisation_provisoire_sejour: 'autorisation provisoire de séjour',
};

const TO_VERIFY_RENEWAL: readonly string[] = [
  'R. 431-5 : le jour de l’expiration du document compte-t-il parmi les jours « qui précèdent l’expiration » ? Aucune décision trouvée : les deux décomptes sont affichés, le plus précoce est retenu.',
  'Liste des documents de séjour de L. 411-1 2° à 8° visés par R. 431-5 1° (récépissé et autorisation provisoire de séjour non compris) — texte de L. 411-1 non relu.',
  'L. 433-3 (maintien des droits pendant 3 mois après l’expiration de la carte de résident, de la carte pluriannuelle de 4 ans délivrée après un premier document de séjour, ou d’un titre de plus d’un an prévu par une stipulation internationale, lorsque le renouvellement a été demandé) — texte non relu, sources secondaires concordantes.',
];

// Alsace-Moselle départements: Good Friday and 26 December are holidays for the préfecture too (C. trav. L. 3134-13).
const ALSACE_MOSELLE = new Set(['57', '67', '68']);

/** The holidays where the préfecture sits: its territory's, and Alsace-Moselle's by département or court. */
export function prefectureCalendar(ctx: DeadlineContext): CalendarOptions {
  const { territory } = resolveTerritory(ctx);
  const byCourt = calendarFor(ctx.competentCourt, territory);
  const alsace = byCourt.alsaceMoselle === true || (ctx.departement != null && ALSACE_MOSELLE.has(ctx.departement));
  return { ...byCourt, alsaceMoselle: alsace };
}

/** The last working day on or before `date` (the préfecture's counters are closed on the others). */
/** The days a window was narrowed by, as the computation says them ("samedi 1er mai 2027 (Fête du Travail)"). */
function skippedDays(skipped: readonly { date: string; reason: string }[]): string {
  return skipped.map((d) => `${dateLongue(d.date)}${d.reason === 'samedi' || d.reason === 'dimanche' ? '' : ` (${d.reason})`}`).join(', ');
}

/**
 * A filing window as the texts give it, then adjusted to where the request is filed: the
 * préfecture's counter is closed on non-working days (the window is narrowed to its working days —
 * a filing period is not a délai de recours, so CPC art. 642 does not push its end later, and by
 * prudence none is assumed); the téléservice receives requests every day.
 */
function reading(
  label: string,
  opensOn: string,
  closesOn: string,
  steps: string[],
  online: boolean,
  calendar: CalendarOptions,
): RenewalReading {
  const computation = [...steps];
  let opens = opensOn;
  let closes = closesOn;
  const openReason = nonWorkingReason(opensOn, calendar);
  const closeReason = nonWorkingReason(closesOn, calendar);
  if (online) {
    if (closeReason !== null)
      computation.push(
        `Le ${dateLongue(closesOn)} n’est pas un jour ouvrable (${closeReason}), mais le téléservice reçoit les demandes tous les jours : la fenêtre se ferme ce jour-là, sans report.`,
      );
  } else {
    if (openReason !== null) {
      const next = nextWorkingDay(opensOn, calendar);
      opens = next.date;
      computation.push(
        `${skippedDays(next.skipped)} : guichets de la préfecture fermés ; premier jour de dépôt possible le ${dateLongue(opens)}.`,
      );
    }
    if (closeReason !== null) {
      const prev = previousWorkingDay(closesOn, calendar);
      closes = prev.date;
      computation.push(
        `${skippedDays(prev.skipped)} : guichets fermés ; un délai de dépôt n’étant pas un délai de recours, aucun report au jour ouvrable suivant n’est retenu par prudence : déposer au plus tard le ${dateLongue(closes)}.`,
      );
    }
  }
  return { label, opensOn: opens, closesOn: closes, computation };
}

function onlineReadings(expiresOn: string, calendar: CalendarOptions): RenewalReading[] {
  const intro = `Document expirant le ${dateLongue(expiresOn)} ; titre demandé au moyen du téléservice (liste de R. 431-2) : du 120e au 60e jour qui précède l’expiration (R. 431-5 1°).`;
  return [
    reading(
      'téléservice, jour de l’expiration non compté : du 120e au 60e jour avant la date d’expiration',
      addDays(expiresOn, -120),
      addDays(expiresOn, -60),
      [
        intro,
        `Décompté à partir de la veille de l’expiration : du ${dateLongue(addDays(expiresOn, -120))} au ${dateLongue(addDays(expiresOn, -60))}.`,
      ],
      true,
      calendar,
    ),
    reading(
      'téléservice, jour de l’expiration compté comme le premier qui la précède',
      addDays(expiresOn, -119),
      addDays(expiresOn, -59),
      [
        intro,
        `Le document expirant à la fin de son dernier jour de validité, ce jour compté comme le 1er : du ${dateLongue(addDays(expiresOn, -119))} au ${dateLongue(addDays(expiresOn, -59))}.`,
      ],
      true,
      calendar,
    ),
  ];
}

function counterReadings(expiresOn: string, calendar: CalendarOptions): RenewalReading[] {
  const intro = `Document expirant le ${dateLongue(expiresOn)} ; titre hors téléservice : demande « dans le courant des deux mois précédant l’expiration » (R. 431-5 1°), au guichet de la préfecture.`;
  const twoMonthsBefore = addMonths(expiresOn, -2);
  return [
    reading(
      'préfecture, les deux mois qui précèdent le jour de l’expiration',
      twoMonthsBefore,
      addDays(expiresOn, -1),
      [
        intro,
        `Deux mois avant la date d’expiration, au plus tard la veille : du ${dateLongue(twoMonthsBefore)} au ${dateLongue(addDays(expiresOn, -1))}.`,
      ],
      false,
      calendar,
    ),
    reading(
      'préfecture, les deux mois qui s’achèvent avec le dernier jour de validité',
      addDays(twoMonthsBefore, 1),
      expiresOn,
      [intro, `Le dernier jour de validité compris : du ${dateLongue(addDays(twoMonthsBefore, 1))} au ${dateLongue(expiresOn)}.`],
      false,
      calendar,
    ),
  ];
}

function coverAfterExpiry(kind: ResidencePermitKind | null, expiresOn: string): string | null {
  const until = dateLongue(addMonths(expiresOn, 3));
  if (kind === 'carte_resident')
    return `Renouvellement demandé avant l’expiration : les droits attachés à la carte de résident (séjour, travail, droits sociaux) sont maintenus jusqu’à la décision du préfet, pendant 3 mois au plus, soit jusqu’au ${until} (CESEDA L. 433-3).`;
  if (kind === 'carte_sejour_pluriannuelle')
    return `Si la carte pluriannuelle est de 4 ans et a été délivrée après un premier document de séjour, et que son renouvellement a été demandé avant l’expiration : droits maintenus pendant 3 mois au plus, soit jusqu’au ${until} (CESEDA L. 433-3). Sinon, aucun maintien de plein droit.`;
  return null;
}

/**
 * The renewal window of the client's current document, or null when its expiry is not recorded.
 * `calendar`: the holidays where the préfecture sits. Throws UnsupportedYearError (a RangeError)
 * when the expiry is outside the years the legal calendar covers.
 */
export function computeRenewalWindow(facts: RenewalFacts, calendar: CalendarOptions): RenewalWindow | null {
  const expiresOn = facts.residencePermitExpiresOn;
  if (expiresOn === undefined) return null;
  const kind = facts.residencePermitKind ?? null;
  const what = kind === null ? 'document de séjour' : KIND_LABELS[kind];
  const label = `Fenêtre de demande de renouvellement (${what} expirant le ${dateLongue(expiresOn)})`;
  const lateRequest = [
    'Demande présentée après la fin de la fenêtre : droit de visa de régularisation de 180 €, sauf force majeure ou visa en cours de validité (CESEDA L. 436-5).',
    'Téléservice : l’attestation de prolongation de l’instruction, qui couvre le séjour après l’expiration du document, n’est due que pour une demande complète déposée dans les délais de R. 431-5 (R. 431-15-1 al. 2) ; déposée hors délai, rien n’oblige le préfet à la délivrer.',
  ];
  if (kind === 'recepisse' || kind === 'autorisation_provisoire_sejour') {
    nonWorkingReason(expiresOn, calendar); // refuses a year outside the legal calendar, like a window would
    return {
      kind: 'renewal_window',
      label,
      permitKind: kind,
      expiresOn,
      opensOn: null,
      closesOn: null,
      readings: [],
      legalBasis: 'CESEDA R. 431-5 1° (documents de séjour de L. 411-1 2° à 8°)',
      lateRequest: [],
      coverAfterExpiry: null,
      notes: [
        `Aucune fenêtre de renouvellement n’est fixée par R. 431-5 pour un ${what} : en demander la prorogation à la préfecture avant le ${dateLongue(expiresOn)}, faute de quoi le séjour n’est plus couvert après cette date.`,
      ],
      toVerify: [TO_VERIFY_RENEWAL[1]!],
    };
  }
  const online = facts.residencePermitRenewalOnline;
  const readings = [
    ...(online !== false ? onlineReadings(expiresOn, calendar) : []),
    ...(online !== true ? counterReadings(expiresOn, calendar) : []),
  ].sort((a, b) => a.closesOn.localeCompare(b.closesOn) || a.opensOn.localeCompare(b.opensOn));
  const retained = readings[0]!;
  const notes = [`Fenêtre retenue : « ${retained.label} », celle qui se ferme le plus tôt ; les autres lectures sont listées.`];
  if (online === undefined)
    notes.push(
      'Le dossier ne dit pas si le titre sollicité se demande sur le téléservice (liste de R. 431-2, annexe 9) : les deux régimes sont affichés ; l’indiquer pour n’afficher que le sien.',
    );
  if (kind === 'carte_resident')
    notes.push(
      'Titulaire du statut de résident de longue durée-UE accordé par la France : R. 431-5 1° ne s’applique pas (dernier alinéa) ; aucune fenêtre n’est imposée, mais la demande reste à présenter avant l’expiration.',
    );
  const cover = coverAfterExpiry(kind, expiresOn);
  if (cover === null)
    notes.push(
      'Aucun maintien de plein droit du séjour après l’expiration de ce document : seuls le récépissé ou l’attestation de prolongation de l’instruction le couvrent.',
    );
  return {
    kind: 'renewal_window',
    label,
    permitKind: kind,
    expiresOn,
    opensOn: retained.opensOn,
    closesOn: retained.closesOn,
    readings,
    legalBasis:
      'CESEDA R. 431-5 1° ; R. 431-2 (téléservice) ; L. 436-5 (droit de visa de régularisation) ; R. 431-15-1 (attestation de prolongation)',
    lateRequest,
    coverAfterExpiry: cover,
    notes,
    toVerify: [TO_VERIFY_RENEWAL[0]!, TO_VERIFY_RENEWAL[1]!, ...(cover !== null ? [TO_VERIFY_RENEWAL[2]!] : [])],
  };
}
