/**
 * The account page's "Vérification en deux étapes" panel: how to turn it on, or — once on — its
 * state and three actions that each need a current code (one field, one button per action).
 */
import type { SecondFactorStatus } from '../../domain/adminSecondFactor.js';
import { CsrfField, FormErrors, Panel } from '../components.js';
import { frenchDate } from '../format.js';

export function SecondFactorPanel({
  csrf,
  status,
  errors,
}: {
  csrf: string | null;
  status: SecondFactorStatus;
  errors: readonly string[];
}) {
  return (
    <Panel title="Vérification en deux étapes" id="double-facteur">
      <FormErrors messages={errors} />
      {status.enrolledAt ? (
        <>
          <p>
            Active depuis le {frenchDate(status.enrolledAt)} ; {status.recoveryCodesLeft} code(s) de secours restant(s).
          </p>
          <form method="post" action="/compte/double-facteur">
            <CsrfField token={csrf} />
            <div class="field">
              <label for="f-sf-code">Code actuel de votre application (ou un code de secours)</label>
              <input id="f-sf-code" name="code" type="text" autocomplete="one-time-code" maxLength={64} required />
            </div>
            <button type="submit" class="button secondary">
              Remplacer (nouveau téléphone)
            </button>{' '}
            <button type="submit" class="button secondary" formAction="/compte/double-facteur/codes">
              Nouveaux codes de secours
            </button>{' '}
            {status.required ? null : (
              <button type="submit" class="button secondary" formAction="/compte/double-facteur/retirer">
                Retirer
              </button>
            )}
          </form>
          {status.required ? <p class="hint">Votre rôle exige un second facteur : vous pouvez le remplacer, pas le retirer.</p> : null}
        </>
      ) : (
        <>
          <p>
            {status.required
              ? 'Votre rôle exige un second facteur.'
              : 'Facultative pour votre rôle, recommandée : un code de votre téléphone en plus du mot de passe.'}
          </p>
          <form method="post" action="/compte/double-facteur">
            <CsrfField token={csrf} />
            <button type="submit" class="button">
              Activer
            </button>
          </form>
        </>
      )}
      <p class="hint">Les jetons d'API ne sont pas concernés : ils restent valables tels quels.</p>
    </Panel>
  );
}
