/**
 * `/administrateurs` (admins only): every vendor admin, with a button to disable each active one
 * but oneself (a checkbox confirms it: there is no undo) and one to reset their second factor
 * (lost phone and recovery codes), and every API token, each revocable.
 */
import type { AdminSummary } from '../../domain/admins.js';
import type { TokenSummary } from '../../domain/apiTokens.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, Panel } from '../components.js';
import { frenchDate } from '../format.js';
import { ROLE_LABELS } from '../labels.js';
import { Layout } from '../layout.js';
import { TokenTable } from './tokenTable.js';
import type { AdminRole } from '../../storage/records.js';

/** The admin's second factor: since when, or none (and whether the role requires one), the last reset, and the reset button. */
function SecondFactorCell({
  admin,
  required,
  canReset,
  csrf,
}: {
  admin: AdminSummary;
  required: boolean;
  canReset: boolean;
  csrf: string | null;
}) {
  const reset = admin.secondFactorReset;
  return (
    <>
      {admin.secondFactorEnrolledAt
        ? `actif depuis le ${frenchDate(admin.secondFactorEnrolledAt, false)}`
        : required
          ? 'aucun (requis)'
          : 'aucun'}
      {reset ? <p class="hint">{`réinitialisé le ${frenchDate(reset.at)} par ${reset.by}`}</p> : null}
      {admin.secondFactorEnrolledAt && canReset && !admin.disabledAt ? (
        <form method="post" action={`/administrateurs/${encodeURIComponent(admin.id)}/double-facteur/reinitialiser`} class="confirmed">
          <CsrfField token={csrf} />
          <input type="checkbox" id={`reinitialiser-${admin.id}`} name="confirmer" value="1" required />
          <label for={`reinitialiser-${admin.id}`} class="inline-label">
            Je confirme
          </label>
          <button type="submit" class="button secondary" aria-label={`Réinitialiser le second facteur de ${admin.email}`}>
            Réinitialiser
          </button>
        </form>
      ) : null}
    </>
  );
}

export function AdminsPage({
  chrome,
  admins,
  tokens,
  secondFactorRequired,
}: {
  chrome: Chrome;
  admins: readonly AdminSummary[];
  secondFactorRequired: (role: AdminRole) => boolean;
  tokens: readonly TokenSummary[];
}) {
  const me = chrome.admin!;
  return (
    <Layout chrome={chrome} title="Administrateurs">
      <h1>Administrateurs</h1>
      <Panel title="Comptes" id="comptes">
        <table>
          <thead>
            <tr>
              <th scope="col">Adresse e-mail</th>
              <th scope="col">Rôle</th>
              <th scope="col">Créé le</th>
              <th scope="col">État</th>
              <th scope="col">Second facteur</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {admins.map((a) => (
              <tr>
                <td>{a.email}</td>
                <td>{ROLE_LABELS[a.role]}</td>
                <td>{frenchDate(a.createdAt, false)}</td>
                <td>{a.disabledAt ? `désactivé le ${frenchDate(a.disabledAt)}` : 'actif'}</td>
                <td>
                  <SecondFactorCell admin={a} required={secondFactorRequired(a.role)} canReset={a.id !== me.id} csrf={chrome.csrf} />
                </td>
                <td>
                  {!a.disabledAt && a.id !== me.id ? (
                    <form method="post" action={`/administrateurs/${encodeURIComponent(a.id)}/desactiver`} class="confirmed">
                      <CsrfField token={chrome.csrf} />
                      <input type="checkbox" id={`confirmer-${a.id}`} name="confirmer" value="1" required />
                      <label for={`confirmer-${a.id}`} class="inline-label">
                        Je confirme (définitif)
                      </label>
                      <button type="submit" class="button secondary" aria-label={`Désactiver ${a.email}`}>
                        Désactiver
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="hint">
          Désactiver un compte ferme ses sessions et révoque ses jetons d'API ; le dernier administrateur actif ne peut pas l'être. Créer un
          compte : control-plane admin create --email E --role admin|billing|support
        </p>
      </Panel>
      <Panel title="Jetons d'API" id="jetons">
        <TokenTable
          tokens={tokens}
          csrf={chrome.csrf}
          showOwner={true}
          revokeAction={(id) => `/administrateurs/jetons/${encodeURIComponent(id)}/revoquer`}
        />
      </Panel>
    </Layout>
  );
}
