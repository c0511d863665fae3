/** Every cabinet with its plan, status and appliance (cabinets not yet enrolled appear here only). */
import type { CabinetStatus } from '../../storage/records.js';
import type { Chrome } from '../chrome.js';
import { CABINET_STATUS_LABELS } from '../labels.js';
import { Layout } from '../layout.js';

export interface CabinetListRow {
  id: string;
  name: string;
  plan: string;
  status: CabinetStatus;
  enrolled: boolean;
}

export function CabinetsPage({ chrome, rows }: { chrome: Chrome; rows: readonly CabinetListRow[] }) {
  return (
    <Layout chrome={chrome} title="Cabinets">
      <h1>Cabinets</h1>
      {rows.length === 0 ? (
        <p class="empty">Aucun cabinet. Créez-en un avec : control-plane cabinet create --id ID --name NOM --plan FORMULE</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Cabinet</th>
              <th scope="col">Identifiant</th>
              <th scope="col">Formule</th>
              <th scope="col">État</th>
              <th scope="col">Appliance</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>
                  <a href={`/cabinets/${encodeURIComponent(r.id)}`}>{r.name}</a>
                </td>
                <td>{r.id}</td>
                <td>{r.plan}</td>
                <td>{CABINET_STATUS_LABELS[r.status]}</td>
                <td>{r.enrolled ? 'enrôlée' : 'pas encore enrôlée'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
