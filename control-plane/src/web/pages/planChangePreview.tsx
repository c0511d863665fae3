/**
 * A plan change before it is made (domain/planChange.ts): the new limits next to the current ones
 * and to what the appliance uses, what becomes of each override (kept or dropped: the admin
 * chooses), and the proration the next invoice will carry. The confirm form sends the same change
 * back with the choices; a lower limit needs its own tick.
 */
import type { PlanChangePreview } from '../../domain/planChange.js';
import { frenchMonth } from '../../domain/billing/calendar.js';
import { CsrfField, FormErrors } from '../components.js';
import { frenchEuros } from '../format.js';

const LIMIT_LABELS: Record<string, string> = {
  maxUsers: 'Utilisateurs max',
  maxCases: 'Dossiers max',
  maxAnalysesMonthly: 'Analyses par mois',
  aiModel: "Modèle d'analyse",
  advancedFeatures: 'Fonctions avancées',
};

const FATE_LABELS: Record<string, string> = {
  kept: 'conservée',
  dropped: 'supprimée (limite de la nouvelle formule)',
  set: 'remplacée par la valeur saisie',
  removed: 'supprimée (champ vidé)',
  undecided: 'à décider',
};

export interface PlanChangeState {
  preview: PlanChangePreview;
  /** The change as the form sent it, sent back by the confirm form. */
  values: Record<string, string>;
  errors: string[];
  /** Whether the prices may be shown (roles that see money). */
  seeMoney: boolean;
}

export function PlanChangePreviewPanel({ id, state, csrf }: { id: string; state: PlanChangeState; csrf: string | null }) {
  const p = state.preview;
  const lower = p.limits.some((l) => l.lowered || l.belowUsage);
  const hasOverrides = p.overrides.some((o) => o.fate === 'undecided' || o.fate === 'kept' || o.fate === 'dropped');
  const decision = state.values.derogations ?? '';
  return (
    <div role="status" id="apercu-formule">
      <h3>
        Aperçu : {p.fromPlan} → {p.toPlan}
        {state.seeMoney ? ` (${frenchEuros(p.priceCents.from)} → ${frenchEuros(p.priceCents.to)} HT par mois)` : ''}
      </h3>
      <FormErrors messages={state.errors} />
      <table>
        <caption class="sr-only">Limites avant et après le changement</caption>
        <thead>
          <tr>
            <th scope="col">Limite</th>
            <th scope="col" class="num">
              Actuelle
            </th>
            <th scope="col" class="num">
              Nouvelle formule
            </th>
            <th scope="col" class="num">
              Après le changement
            </th>
            <th scope="col" class="num">
              Utilisé
            </th>
          </tr>
        </thead>
        <tbody>
          {p.limits.map((l) => (
            <tr>
              <th scope="row">{LIMIT_LABELS[l.field]}</th>
              <td class="num">{l.current}</td>
              <td class="num">{l.planValue}</td>
              <td class="num">
                <span class={l.belowUsage || l.lowered ? 'over' : undefined}>{l.next}</span>
                {l.override !== null ? ' (dérogation)' : ''}
                {l.belowUsage ? ' — sous l’usage actuel' : l.lowered ? ' — en baisse' : ''}
              </td>
              <td class="num">{l.usage ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.overrides.length > 0 ? (
        <ul>
          {p.overrides.map((o) => (
            <li>
              Dérogation {LIMIT_LABELS[o.field] ?? o.field} = {String(o.value)} : {FATE_LABELS[o.fate]}
            </li>
          ))}
        </ul>
      ) : null}
      {state.seeMoney ? (
        <p>
          Prochaine facture ({frenchMonth(p.proration.month)}), abonnement :{' '}
          {p.proration.lines.map((l) => `${l.description} ${frenchEuros(l.amountCents)}`).join(' ; ')} — total{' '}
          {frenchEuros(p.proration.totalExclVatCents)} HT ({p.proration.differenceExclVatCents >= 0 ? '+' : '−'}
          {frenchEuros(Math.abs(p.proration.differenceExclVatCents))} par rapport à la formule actuelle).
        </p>
      ) : null}
      <form method="post" action={`/cabinets/${encodeURIComponent(id)}/formule`}>
        <CsrfField token={csrf} />
        <input type="hidden" name="confirmer" value="1" />
        {Object.entries(state.values)
          .filter(([k]) => k !== 'derogations' && k !== 'accepter')
          .map(([k, v]) => (
            <input type="hidden" name={k} value={v} />
          ))}
        {hasOverrides ? (
          <fieldset>
            <legend>Les dérogations en cours</legend>
            <div>
              <input type="radio" id="f-derogations-keep" name="derogations" value="keep" checked={decision === 'keep'} required />
              <label for="f-derogations-keep" class="inline-label">
                les conserver sur la nouvelle formule
              </label>
            </div>
            <div>
              <input type="radio" id="f-derogations-drop" name="derogations" value="drop" checked={decision === 'drop'} required />
              <label for="f-derogations-drop" class="inline-label">
                les supprimer : les limites de la nouvelle formule s'appliquent
              </label>
            </div>
          </fieldset>
        ) : null}
        {lower ? (
          <div class="field">
            <input type="checkbox" id="f-accepter" name="accepter" value="1" />
            <label for="f-accepter" class="inline-label">
              J'accepte des limites en baisse ou sous l'usage actuel (l'appliance refusera ce qui les dépasse).
            </label>
          </div>
        ) : null}
        <button type="submit" class="button">
          Confirmer le changement de formule
        </button>
      </form>
    </div>
  );
}
