/**
 * One cabinet: identity, plan and overrides (with prices for roles that see money), the plan
 * change form with its preview step (admins), the details its invoices print (admins), the enrollment code, its appliances with their status, usage and health
 * charts from the history rings, plan history and recent alerts.
 */
import type { ComponentChildren } from 'preact';
import type { FleetStatus } from '../../domain/fleetStatus.js';
import type { CabinetStatus } from '../../storage/records.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, FormErrors, Panel, Select } from '../components.js';
import { frenchAgo, frenchDate, frenchEuros } from '../format.js';
import { CABINET_STATUS_LABELS, STATUS_LABELS } from '../labels.js';
import { Layout } from '../layout.js';
import { LineChart, type LineChartProps } from '../svgChart.js';
import type { InvoiceRow } from './billing.js';
import { CabinetInvoices } from './cabinetInvoices.js';
import { PastDuePanel, type PastDueRow } from './payments.js';
import { LimitBadge, StatusBadge, UsageList, type UsageFigure } from './fleet.js';
import type { LimitFlag } from '@iamanager/protocol';
import { CabinetContactForm, type ContactFormState } from './cabinetContact.js';
import { PlanChangePreviewPanel, type PlanChangeState } from './planChangePreview.js';
import { SupportBundlesPanel } from './supportBundlesPanel.js';
import type { SupportBundleEntry } from '../../domain/supportBundles.js';

export interface LimitRow {
  label: string;
  field: 'maxUsers' | 'maxCases' | 'maxAnalysesMonthly';
  planValue: number;
  override: number | null;
}

export interface CabinetAppliance {
  applianceId: string;
  instanceName: string;
  version: string;
  enrolledAt: string;
  revokedAt: string | null;
  lastHeartbeatAt: string | null;
  status: FleetStatus | null;
  reasons: string[];
  usage: UsageFigure[];
  /** Near or at the plan's limits (commercial, beside the status). */
  limitFlag: LimitFlag;
  limitDetails: string[];
  /** The last local backup and the last off-site one, as the latest heartbeat reported them (null: none yet). */
  lastBackupAt: string | null;
  lastOffsiteBackupAt: string | null;
  /** The latest heartbeat is v2 and so says whether an off-site copy exists (v1 says nothing). */
  offsiteReported: boolean;
  /** Whether a heartbeat has reported backups at all (false: nothing known yet). */
  backupKnown: boolean;
}

export interface CabinetAlert {
  at: string;
  from: FleetStatus | null;
  to: FleetStatus;
  what: string;
}

export interface CabinetView {
  id: string;
  name: string;
  siret: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  /** Null for files from before it was recorded. */
  vatNumber?: string | null | undefined;
  status: CabinetStatus;
  createdAt: string;
  plan: {
    id: string;
    name: string;
    aiModel: string;
    advancedFeatures: boolean;
    overageAllowed: boolean;
    priceCents?: number | undefined;
    overagePricePerAnalysisCents?: number | undefined;
  };
  limits: LimitRow[];
  /** Present for roles that may change cabinets: the details printed on invoices. */
  contact?: ContactFormState | undefined;
  /** A plan change waiting for its confirmation (the form's first step). */
  planPreview?: PlanChangeState | undefined;
  /** Present for roles that may change plans. */
  planChange?: { plans: Array<{ id: string; label: string }>; errors: string[]; values?: Record<string, string> } | undefined;
  enrollment: { pendingUntil: string | null; newCode?: { code: string; expiresAt: string } | undefined; canIssue: boolean };
  appliances: CabinetAppliance[];
  charts: LineChartProps[];
  planHistory: Array<{ effectiveAt: string; plan: string; status: CabinetStatus; by: string }>;
  /** Present for roles that see money. */
  invoices?: InvoiceRow[] | undefined;
  alerts: CabinetAlert[];
  /** The page's time: backup ages are counted from it. */
  now: Date;
  /** The support bundles the cabinet's appliance sent, still kept (newest first). */
  supportBundles?: readonly SupportBundleEntry[] | undefined;
}

function Fact({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function PlanChangeForm({ view, csrf }: { view: CabinetView; csrf: string | null }) {
  const change = view.planChange!;
  const value = (name: string, fallback: string) => change.values?.[name] ?? fallback;
  return (
    <form method="post" action={`/cabinets/${encodeURIComponent(view.id)}/formule`}>
      <CsrfField token={csrf} />
      <FormErrors messages={change.errors} />
      <Select
        name="plan"
        label="Formule"
        value={value('plan', view.plan.id)}
        options={change.plans.map((p) => ({ value: p.id, label: p.label }))}
      />
      <fieldset>
        <legend>Dérogations aux limites (vide : la limite de la formule)</legend>
        {view.limits.map((l) => (
          <div class="field">
            <label for={`f-${l.field}`}>{l.label}</label>
            <input
              id={`f-${l.field}`}
              name={l.field}
              type="text"
              class="short"
              inputMode="numeric"
              value={value(l.field, l.override === null ? '' : String(l.override))}
            />
          </div>
        ))}
      </fieldset>
      <p class="hint">Un changement de formule s'affiche d'abord en aperçu (limites, dérogations, prorata), puis se confirme.</p>
      <button type="submit" class="button">
        Enregistrer la formule
      </button>
    </form>
  );
}

export function CabinetPage({
  chrome,
  view,
  pastDue,
}: {
  chrome: Chrome;
  view: CabinetView;
  /** Its past-due invoices, for the roles that see money (docs/billing.md "Getting paid"); shown only when there is one. */
  pastDue?: { invoices: readonly PastDueRow[]; graceDays: number } | undefined;
}) {
  const p = view.plan;
  return (
    <Layout chrome={chrome} title={view.name}>
      <h1>{view.name}</h1>
      {pastDue && pastDue.invoices.length > 0 ? (
        <PastDuePanel invoices={pastDue.invoices} graceDays={pastDue.graceDays} showCabinet={false} />
      ) : null}
      <div class="grid">
        <Panel title="Identité" id="identite">
          <dl class="facts">
            <Fact label="Identifiant">{view.id}</Fact>
            <Fact label="SIRET">{view.siret ?? '—'}</Fact>
            <Fact label="N° de TVA">{view.vatNumber ?? '—'}</Fact>
            <Fact label="Adresse">{view.address ?? '—'}</Fact>
            <Fact label="Téléphone">{view.phone ?? '—'}</Fact>
            <Fact label="E-mail">{view.email ?? '—'}</Fact>
            <Fact label="État">{CABINET_STATUS_LABELS[view.status]}</Fact>
            <Fact label="Client depuis">{frenchDate(view.createdAt, false)}</Fact>
          </dl>
        </Panel>
        <Panel title="Formule" id="formule">
          <dl class="facts">
            <Fact label="Formule">
              {p.name} ({p.id})
            </Fact>
            {p.priceCents !== undefined ? <Fact label="Prix mensuel HT">{frenchEuros(p.priceCents)}</Fact> : null}
            <Fact label="Modèle d'analyse">{p.aiModel}</Fact>
            <Fact label="Fonctions avancées">{p.advancedFeatures ? 'oui' : 'non'}</Fact>
            <Fact label="Dépassement d'analyses">
              {p.overageAllowed
                ? p.overagePricePerAnalysisCents !== undefined
                  ? `facturé ${frenchEuros(p.overagePricePerAnalysisCents)} HT par analyse`
                  : 'facturé'
                : 'refusé'}
            </Fact>
            {view.limits.map((l) => (
              <Fact label={l.label}>
                {l.override ?? l.planValue}
                {l.override !== null ? ` (dérogation ; formule : ${l.planValue})` : ''}
              </Fact>
            ))}
          </dl>
        </Panel>
      </div>
      {view.invoices ? <CabinetInvoices invoices={view.invoices} /> : null}
      {view.planChange ? (
        <Panel title="Changer de formule" id="changer-formule">
          {view.planPreview ? <PlanChangePreviewPanel id={view.id} state={view.planPreview} csrf={chrome.csrf} /> : null}
          <PlanChangeForm view={view} csrf={chrome.csrf} />
        </Panel>
      ) : null}
      {view.contact ? (
        <Panel title="Coordonnées de facturation" id="coordonnees">
          <CabinetContactForm id={view.id} form={view.contact} csrf={chrome.csrf} />
        </Panel>
      ) : null}
      <Panel title="Code d'enrôlement" id="enrolement">
        {view.enrollment.newCode ? (
          <div role="status">
            <p>
              Nouveau code, à transmettre au cabinet (affiché une seule fois, valable jusqu'au{' '}
              {frenchDate(view.enrollment.newCode.expiresAt)}) :
            </p>
            <p>
              <code class="secret">{view.enrollment.newCode.code}</code>
            </p>
          </div>
        ) : view.enrollment.pendingUntil ? (
          <p>Un code non utilisé est valable jusqu'au {frenchDate(view.enrollment.pendingUntil)}.</p>
        ) : (
          <p>Aucun code en attente.</p>
        )}
        {view.enrollment.canIssue ? (
          <form method="post" action={`/cabinets/${encodeURIComponent(view.id)}/code`}>
            <CsrfField token={chrome.csrf} />
            <p class="hint">Un nouveau code remplace le précédent s'il n'a pas servi. Réenrôler révoque l'appliance actuelle.</p>
            <button type="submit" class="button secondary">
              Émettre un nouveau code
            </button>
          </form>
        ) : null}
      </Panel>
      <Panel title="Appliances" id="appliances">
        {view.appliances.length === 0 ? (
          <p class="empty">Aucune appliance enrôlée.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Statut</th>
                <th scope="col">Version</th>
                <th scope="col">Dernier signal</th>
                <th scope="col">Dernière sauvegarde</th>
                <th scope="col">Usage / limites</th>
              </tr>
            </thead>
            <tbody>
              {view.appliances.map((a) => (
                <tr>
                  <td>
                    {a.instanceName}
                    <div class="hint">{a.applianceId}</div>
                    <div class="hint">enrôlée le {frenchDate(a.enrolledAt, false)}</div>
                  </td>
                  <td>
                    {a.revokedAt ? `révoquée le ${frenchDate(a.revokedAt, false)}` : a.status ? <StatusBadge status={a.status} /> : '—'}
                    {a.revokedAt ? null : <LimitBadge flag={a.limitFlag} details={a.limitDetails} />}
                    {a.reasons.length > 0 ? (
                      <ul class="reasons">
                        {a.reasons.map((t) => (
                          <li>{t}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>{a.version}</td>
                  <td>{frenchDate(a.lastHeartbeatAt)}</td>
                  <td class="backup-age">
                    {!a.backupKnown ? (
                      '—'
                    ) : a.lastBackupAt ? (
                      <time datetime={a.lastBackupAt} title={frenchDate(a.lastBackupAt)}>
                        {frenchAgo(a.lastBackupAt, view.now)}
                      </time>
                    ) : (
                      'aucune'
                    )}
                    {a.lastOffsiteBackupAt ? (
                      <div class="hint">hors site : {frenchAgo(a.lastOffsiteBackupAt, view.now)}</div>
                    ) : a.offsiteReported ? (
                      <div class="hint">hors site : aucune copie</div>
                    ) : null}
                  </td>
                  <td>
                    <UsageList usage={a.usage} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      {view.charts.length > 0 ? (
        <Panel title="Usage et santé" id="historique">
          <div class="charts">
            {view.charts.map((c) => (
              <LineChart {...c} />
            ))}
          </div>
        </Panel>
      ) : null}
      <Panel title="Alertes récentes" id="alertes">
        {view.alerts.length === 0 ? (
          <p class="empty">Aucun changement de statut enregistré.</p>
        ) : (
          <ul class="plain">
            {view.alerts.map((a) => (
              <li>
                <time datetime={a.at}>{frenchDate(a.at)}</time> — {a.from ? `${STATUS_LABELS[a.from]} → ` : ''}
                <strong>{STATUS_LABELS[a.to]}</strong> : {a.what}
              </li>
            ))}
          </ul>
        )}
      </Panel>
      {view.supportBundles ? <SupportBundlesPanel cabinetId={view.id} bundles={view.supportBundles} /> : null}
      <Panel title="Historique de la formule" id="historique-formule">
        <ul class="plain">
          {view.planHistory.map((h) => (
            <li>
              {frenchDate(h.effectiveAt)} — {h.plan}, {CABINET_STATUS_LABELS[h.status]} (par {h.by})
            </li>
          ))}
        </ul>
      </Panel>
    </Layout>
  );
}
