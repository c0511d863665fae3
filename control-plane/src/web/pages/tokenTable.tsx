/** API tokens as a table, each live one with its revoke button (a form to `revokeAction(id)`). */
import type { TokenStatus, TokenSummary } from '../../domain/apiTokens.js';
import { CsrfField } from '../components.js';
import { frenchDate } from '../format.js';

const TOKEN_STATUS_LABELS: Readonly<Record<TokenStatus, string>> = { active: 'actif', expired: 'expiré', revoked: 'révoqué' };

export function TokenTable({
  tokens,
  csrf,
  showOwner,
  revokeAction,
}: {
  tokens: readonly TokenSummary[];
  csrf: string | null;
  showOwner: boolean;
  revokeAction: (id: string) => string;
}) {
  if (tokens.length === 0) return <p class="empty">Aucun jeton d'API. Créez-en un avec : control-plane admin token --email E</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Jeton</th>
          {showOwner ? <th scope="col">Administrateur</th> : null}
          <th scope="col">Créé le</th>
          <th scope="col">Expire le</th>
          <th scope="col">Dernier usage</th>
          <th scope="col">État</th>
          <th scope="col">
            <span class="sr-only">Action</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tokens.map((t) => (
          <tr>
            <td>
              <code>{t.id}</code>
            </td>
            {showOwner ? <td>{t.email}</td> : null}
            <td>{frenchDate(t.createdAt)}</td>
            <td>{frenchDate(t.expiresAt)}</td>
            <td>{t.lastUsedAt ? frenchDate(t.lastUsedAt) : 'jamais'}</td>
            <td>
              {TOKEN_STATUS_LABELS[t.status]}
              {t.revokedAt ? ` le ${frenchDate(t.revokedAt)}` : ''}
            </td>
            <td>
              {t.status === 'active' ? (
                <form method="post" action={revokeAction(t.id)} class="inline">
                  <CsrfField token={csrf} />
                  <button type="submit" class="button secondary" aria-label={`Révoquer le jeton ${t.id}`}>
                    Révoquer
                  </button>
                </form>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
