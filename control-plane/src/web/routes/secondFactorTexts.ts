/** The second factor forms' messages, in French, naming the field and what to do. */

/** The code field's own problem before anything is checked, or undefined. */
export function codeFieldError(code: string): string | undefined {
  return code ? undefined : "Code : saisissez les 6 chiffres qu'affiche votre application d'authentification.";
}

/** Why a code was refused: a replay (spent already) says so, anything else is just wrong. */
export function refusedCodeMessage(reason: 'invalid' | 'replayed' | undefined): string {
  return reason === 'replayed'
    ? 'Code : il a déjà servi. Attendez le suivant, que votre application affiche dans moins de 30 secondes.'
    : "Code : incorrect. Vérifiez que l'heure de votre téléphone est juste, ou utilisez un code de secours.";
}
