/**
 * `/compte`: the signed-in admin's own account — a password change (which ends their other
 * sessions and every API token), their second factor (secondFactorPanel.tsx), their API tokens,
 * each revocable, and "Fermer toutes mes sessions" (logout ends only this browser's session).
 */
import type { TokenSummary } from '../../domain/apiTokens.js';
import type { Chrome } from '../chrome.js';
import { CsrfField, FormErrors, Panel } from '../components.js';
import { ROLE_LABELS } from '../labels.js';
import { Layout } from '../layout.js';
import { TokenTable } from './tokenTable.js';
import type { SecondFactorStatus } from '../../domain/adminSecondFactor.js';
import { SecondFactorPanel } from './secondFactorPanel.js';

export function AccountPage({
  chrome,
  tokens,
  passwordErrors,
  secondFactor,
  secondFactorErrors,
}: {
  chrome: Chrome;
  tokens: readonly TokenSummary[];
  passwordErrors: readonly string[];
  secondFactor: SecondFactorStatus;
  secondFactorErrors: readonly string[];
}) {
  const admin = chrome.admin!;
  return (
    <Layout chrome={chrome} title="Mon compte">
      <h1>Mon compte</h1>
      <p>
        {admin.email} — {ROLE_LABELS[admin.role]}
      </p>
      <Panel title="Changer de mot de passe" id="mot-de-passe">
        <FormErrors messages={passwordErrors} />
        <form method="post" action="/compte/mot-de-passe">
          <CsrfField token={chrome.csrf} />
          <div class="field">
            <label for="f-current">Mot de passe actuel</label>
            <input id="f-current" name="currentPassword" type="password" autocomplete="current-password" required />
          </div>
          <div class="field">
            <label for="f-new">Nouveau mot de passe (12 caractères au moins)</label>
            <input id="f-new" name="newPassword" type="password" autocomplete="new-password" minLength={12} required />
          </div>
          <div class="field">
            <label for="f-confirm">Confirmez le nouveau mot de passe</label>
            <input id="f-confirm" name="confirmPassword" type="password" autocomplete="new-password" minLength={12} required />
          </div>
          <p class="hint">Vos autres sessions sont fermées et tous vos jetons d'API révoqués : créez-en de nouveaux ensuite.</p>
          <button type="submit" class="button">
            Changer le mot de passe
          </button>
        </form>
      </Panel>
      <SecondFactorPanel csrf={chrome.csrf} status={secondFactor} errors={secondFactorErrors} />
      <Panel title="Mes jetons d'API" id="jetons">
        <TokenTable
          tokens={tokens}
          csrf={chrome.csrf}
          showOwner={false}
          revokeAction={(id) => `/compte/jetons/${encodeURIComponent(id)}/revoquer`}
        />
      </Panel>
      <Panel title="Mes sessions" id="sessions">
        <p class="hint">
          Se déconnecter ferme la session de ce navigateur. Pour fermer aussi celles ouvertes sur d'autres ordinateurs, fermez toutes vos
          sessions (vos jetons d'API restent valides).
        </p>
        <form method="post" action="/compte/sessions">
          <CsrfField token={chrome.csrf} />
          <button type="submit" class="button">
            Fermer toutes mes sessions
          </button>
        </form>
      </Panel>
    </Layout>
  );
}
