/**
 * Revenus: MRR and ARR now, by plan, and per month the MRR at month end by plan and the new and
 * churned cabinets — as charts and, for every figure, as a table.
 */
import { frenchMonth } from '../../domain/billing/calendar.js';
import type { RevenueReport } from '../../domain/billing/revenue.js';
import type { Chrome } from '../chrome.js';
import { Panel } from '../components.js';
import { frenchEuros } from '../format.js';
import { Layout } from '../layout.js';
import { BarChart } from '../svgBarChart.js';

const shortMonth = (month: string) => `${month.slice(5, 7)}/${month.slice(2, 4)}`;
const wholeEuros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });

export function RevenuePage({
  chrome,
  report,
  planNames,
}: {
  chrome: Chrome;
  report: RevenueReport;
  planNames: Readonly<Record<string, string>>;
}) {
  const plans = Object.keys(report.byPlan);
  const labels = report.months.map((m) => shortMonth(m.month));
  return (
    <Layout chrome={chrome} title="Revenus">
      <h1>Revenus</h1>
      <div class="grid">
        <Panel title="Revenu récurrent" id="recurrent">
          <dl class="facts big">
            <dt>MRR (mensuel, HT)</dt>
            <dd>{frenchEuros(report.mrrCents)}</dd>
            <dt>ARR (annuel, HT)</dt>
            <dd>{frenchEuros(report.arrCents)}</dd>
          </dl>
          <p class="hint">
            Somme des prix catalogue des formules des cabinets actifs ; les dérogations et les dépassements n'y entrent pas, les cabinets
            suspendus ou résiliés non plus. ARR = 12 × MRR.
          </p>
        </Panel>
        <Panel title="Par formule" id="formules">
          <table>
            <thead>
              <tr>
                <th scope="col">Formule</th>
                <th scope="col" class="num">
                  Cabinets actifs
                </th>
                <th scope="col" class="num">
                  MRR HT
                </th>
              </tr>
            </thead>
            <tbody>
              {plans.map((p) => (
                <tr>
                  <td>{planNames[p] ?? p}</td>
                  <td class="num">{report.byPlan[p]!.cabinets}</td>
                  <td class="num">{frenchEuros(report.byPlan[p]!.mrrCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      </div>
      <Panel title="Évolution sur 12 mois" id="evolution">
        <div class="charts">
          <BarChart
            id="mrr-formule"
            title="MRR en fin de mois, par formule (HT)"
            labels={labels}
            stacked
            series={plans.map((p) => ({ label: planNames[p] ?? p, values: report.months.map((m) => m.byPlan[p] ?? 0) }))}
            format={(cents) => wholeEuros.format(cents / 100)}
          />
          <BarChart
            id="nouveaux-resilies"
            title="Cabinets nouveaux et résiliés par mois"
            labels={labels}
            stacked={false}
            series={[
              { label: 'Nouveaux', values: report.months.map((m) => m.newCabinets) },
              { label: 'Résiliés', values: report.months.map((m) => m.churnedCabinets) },
            ]}
            format={(n) => String(Math.round(n))}
          />
        </div>
        <table>
          <caption class="sr-only">Chiffres par mois</caption>
          <thead>
            <tr>
              <th scope="col">Mois</th>
              <th scope="col" class="num">
                MRR fin de mois
              </th>
              {plans.map((p) => (
                <th scope="col" class="num">
                  {planNames[p] ?? p}
                </th>
              ))}
              <th scope="col" class="num">
                Nouveaux
              </th>
              <th scope="col" class="num">
                Résiliés
              </th>
            </tr>
          </thead>
          <tbody>
            {report.months.map((m) => (
              <tr>
                <td>{frenchMonth(m.month)}</td>
                <td class="num">{frenchEuros(m.mrrCents)}</td>
                {plans.map((p) => (
                  <td class="num">{frenchEuros(m.byPlan[p] ?? 0)}</td>
                ))}
                <td class="num">{m.newCabinets}</td>
                <td class="num">{m.churnedCabinets}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </Layout>
  );
}
