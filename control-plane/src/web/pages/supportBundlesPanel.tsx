/**
 * The cabinet page's "Paquets de support": the bundles its appliance sent (docs/support-bundle.md),
 * each downloadable until it expires 30 days after receipt, when the control plane deletes it.
 */
import type { SupportBundleEntry } from '../../domain/supportBundles.js';
import { Panel } from '../components.js';
import { frenchDate } from '../format.js';

export function SupportBundlesPanel({ cabinetId, bundles }: { cabinetId: string; bundles: readonly SupportBundleEntry[] }) {
  return (
    <Panel title="Paquets de support" id="support">
      {bundles.length === 0 ? (
        <p class="empty">
          Aucun paquet reçu. Le responsable informatique du cabinet l'envoie depuis la page Administration de l'appliance, ou par
          <code> appliance support-bundle --upload FICHIER</code>.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Reçu le</th>
              <th>Appliance</th>
              <th>Taille</th>
              <th>Supprimé le</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {bundles.map((b) => (
              <tr>
                <td>{frenchDate(b.receivedAt)}</td>
                <td>
                  <code>{b.applianceId.slice(0, 8)}</code>
                </td>
                <td>{Math.ceil(b.bytes / 1024)} Kio</td>
                <td>{frenchDate(b.expiresAt)}</td>
                <td>
                  <a href={`/api/v1/cabinets/${encodeURIComponent(cabinetId)}/support-bundles/${b.id}`} download>
                    Télécharger
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
