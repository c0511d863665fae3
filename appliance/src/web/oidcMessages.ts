/**
 * The single sign-on pages' texts (docs/single-sign-on.md), French and English: the login button,
 * the admin page `/admin/connexion-unique`, the discovery test's verdicts and the refusals. Each
 * refusal says what to do, as the errors elsewhere.
 */
import type { Locale } from './messages.js';

const FR = {
  ssoButton: 'Se connecter avec {provider}',
  ssoOr: 'ou avec votre mot de passe',
  ssoPasswordOff:
    'La connexion par mot de passe est désactivée pour ce cabinet : utilisez le bouton « Se connecter avec {provider} ». Seul le compte de secours peut encore s’en servir.',
  localLoginDisabled:
    'La connexion par mot de passe est désactivée pour ce cabinet : utilisez le bouton « Se connecter avec {provider} » ci-dessus.',
  pageTitle: 'Connexion unique (OpenID Connect)',
  intro:
    'Les collaborateurs se connectent avec le compte du cabinet chez votre fournisseur d’identité (Microsoft Entra ID, Google Workspace ou tout fournisseur OpenID Connect). La double authentification de ce fournisseur s’applique.',
  redirectUri: 'Adresse de redirection à déclarer chez le fournisseur',
  redirectUriHint:
    'Copiez-la telle quelle dans l’enregistrement de l’application (« URI de redirection »). Portées : openid email profile.',
  notConfigured: 'La connexion unique n’est pas configurée : la page de connexion ne propose que le mot de passe.',
  configuredBy: 'Réglages enregistrés le {at} par {by}.',
  issuer: 'Émetteur (issuer)',
  issuerHint:
    'Entra ID : https://login.microsoftonline.com/<ID du locataire>/v2.0 ; Google : https://accounts.google.com. https:// obligatoire (http://localhost accepté pour un fournisseur sur cette machine).',
  clientId: 'ID client (application)',
  clientIdHint: 'L’identifiant que le fournisseur a donné à cette appliance.',
  clientSecret: 'Secret client',
  clientSecretKept: 'Un secret est enregistré : laissez vide pour le garder.',
  clientSecretNone: 'Aucun secret enregistré : collez celui que le fournisseur a créé.',
  displayName: 'Nom affiché sur le bouton',
  displayNameHint: '« Microsoft », « Google »… (40 caractères au plus).',
  allowedDomains: 'Domaines de messagerie autorisés',
  allowedDomainsHint: 'Séparés par des virgules, par exemple cabinet.fr, cabinet-lyon.fr. Vide : tout domaine.',
  createUsers: 'Créer le compte à la première connexion d’une adresse inconnue (dans la limite des utilisateurs de la formule)',
  newUserRole: 'Rôle des comptes ainsi créés',
  newUserRoleHint: 'Jamais administrateur : nommez les administrateurs vous-même.',
  localLoginOff: 'Désactiver la connexion par mot de passe pour tous, sauf le compte de secours',
  breakGlassEmail: 'Compte de secours (adresse d’un administrateur actif)',
  breakGlassEmailHint:
    'Il garde la connexion par mot de passe si le fournisseur tombe en panne. En dernier recours : appliance sso allow-local-login sur la machine.',
  save: 'Enregistrer',
  saved: 'Réglages de connexion unique enregistrés.',
  forget: 'Désactiver la connexion unique',
  forgotten: 'Connexion unique désactivée : la page de connexion ne propose plus que le mot de passe.',
  testDiscovery: 'Tester la découverte',
  discoveryOk: 'Découverte réussie : {issuer} répond, émetteur conforme, connexion à {endpoint}.',
  discoveryUnreachable:
    'Fournisseur injoignable : aucune réponse de {url}. Vérifiez l’adresse de l’émetteur, le DNS et le pare-feu de l’appliance (sortie HTTPS).',
  discoveryNotHttps: 'Adresse non sécurisée : l’émetteur et ses adresses doivent commencer par https://. {detail}',
  discoveryIssuerMismatch:
    'Émetteur différent : le document de découverte annonce {found} et non {issuer}. Copiez exactement l’émetteur annoncé (locataire, barre oblique finale).',
  discoveryInvalid: 'Aucun document de découverte valide à {url} : ce n’est pas l’adresse d’un fournisseur OpenID Connect.',
  notConfiguredYet: 'Enregistrez d’abord les réglages, puis testez la découverte.',
  issuerRequired: 'Émetteur : obligatoire.',
  fieldFix: '{field} : {fix}',
  clientSecretRequired: 'Secret client : obligatoire (l’émetteur ou l’ID client ont changé, ou aucun secret n’est enregistré).',
  newUserRoleInvalid: 'Rôle des comptes ainsi créés : choisissez un rôle de la liste, autre qu’administrateur.',
  breakGlassInvalid: 'Compte de secours : indiquez l’adresse d’un administrateur actif de l’appliance.',
  // The login's refusals (GET /connexion/oidc/retour)
  refusedTitle: 'Connexion refusée',
  backToLogin: 'Retour à la page de connexion',
  refusedNoEmail:
    '{provider} n’a transmis aucune adresse e-mail. Votre administrateur doit demander la portée « email » (Entra ID : la revendication facultative « email »).',
  refusedUnverified: '{provider} n’a pas vérifié l’adresse {email} : vérifiez-la chez le fournisseur puis reconnectez-vous.',
  refusedDomain: 'L’adresse {email} n’appartient pas aux domaines du cabinet ({domains}).',
  refusedUnknown: 'Aucun compte ne correspond à {email} sur cette appliance : demandez à un administrateur de vous inviter.',
  refusedDisabled: 'Le compte {email} est désactivé sur cette appliance : adressez-vous à un administrateur.',
  refusedPlanFull:
    'La formule du cabinet est complète : tous ses utilisateurs actifs sont pris, le compte de {email} n’a pas pu être créé. Un administrateur peut désactiver un compte ou changer de formule.',
  refusedCannotCreate: 'Le compte de {email} n’a pas pu être créé ({reason}). Adressez-vous à un administrateur.',
  callbackNoFlow:
    'Cette réponse du fournisseur ne correspond à aucune connexion commencée dans ce navigateur depuis moins de 10 minutes. Recommencez la connexion.',
  callbackStateMismatch: 'Cette réponse ne correspond pas à la connexion commencée dans ce navigateur. Recommencez la connexion.',
  callbackReplayed: 'Cette réponse du fournisseur a déjà servi. Recommencez la connexion.',
  callbackProviderError: 'Le fournisseur a refusé la connexion ({error}). Recommencez, ou adressez-vous à votre administrateur.',
  callbackTokenRefused:
    'Les jetons du fournisseur n’ont pas pu être vérifiés. Recommencez, ou demandez à votre administrateur de tester la découverte.',
  ssoNotConfigured: 'La connexion unique n’est pas configurée sur cette appliance : connectez-vous avec votre mot de passe.',
  providerDown:
    'Le fournisseur d’identité ne répond pas ({reason}). Réessayez plus tard ; le compte de secours peut se connecter par mot de passe.',
  continueTitle: 'Connexion réussie',
  continueLink: 'Continuer',
  breakGlassLost:
    'Attention : la connexion par mot de passe est désactivée et le compte de secours n’est plus un administrateur actif. Si le fournisseur tombe en panne, plus personne ne pourra se connecter : désignez un autre administrateur ci-dessous.',
};

export type OidcMessages = typeof FR;

const EN: OidcMessages = {
  ssoButton: 'Log in with {provider}',
  ssoOr: 'or with your password',
  ssoPasswordOff:
    'Password login is turned off for this cabinet: use the « Log in with {provider} » button. Only the break-glass account may still use it.',
  localLoginDisabled: 'Password login is turned off for this cabinet: use the « Log in with {provider} » button above.',
  pageTitle: 'Single sign-on (OpenID Connect)',
  intro:
    'Staff log in with the cabinet’s account at your identity provider (Microsoft Entra ID, Google Workspace or any OpenID Connect provider). That provider’s two-factor authentication applies.',
  redirectUri: 'Redirect URI to register at the provider',
  redirectUriHint: 'Copy it as is into the application’s registration (« Redirect URI »). Scopes: openid email profile.',
  notConfigured: 'Single sign-on is not configured: the login page offers the password only.',
  configuredBy: 'Settings saved on {at} by {by}.',
  issuer: 'Issuer',
  issuerHint:
    'Entra ID: https://login.microsoftonline.com/<tenant ID>/v2.0; Google: https://accounts.google.com. https:// required (http://localhost accepted for a provider on this machine).',
  clientId: 'Client (application) ID',
  clientIdHint: 'The identifier the provider gave this appliance.',
  clientSecret: 'Client secret',
  clientSecretKept: 'A secret is saved: leave empty to keep it.',
  clientSecretNone: 'No secret saved: paste the one the provider created.',
  displayName: 'Name on the button',
  displayNameHint: '« Microsoft », « Google »… (at most 40 characters).',
  allowedDomains: 'Allowed e-mail domains',
  allowedDomainsHint: 'Comma-separated, e.g. cabinet.fr, cabinet-lyon.fr. Empty: any domain.',
  createUsers: 'Create the account at the first login of an unknown address (within the plan’s user limit)',
  newUserRole: 'Role of the accounts so created',
  newUserRoleHint: 'Never admin: appoint administrators yourself.',
  localLoginOff: 'Turn password login off for everyone but the break-glass account',
  breakGlassEmail: 'Break-glass account (an active admin’s e-mail)',
  breakGlassEmailHint: 'It keeps password login should the provider fail. Last resort: appliance sso allow-local-login on the machine.',
  save: 'Save',
  saved: 'Single sign-on settings saved.',
  forget: 'Turn single sign-on off',
  forgotten: 'Single sign-on turned off: the login page offers the password only.',
  testDiscovery: 'Test the discovery',
  discoveryOk: 'Discovery succeeded: {issuer} answers, issuer as expected, login at {endpoint}.',
  discoveryUnreachable:
    'Provider unreachable: no answer from {url}. Check the issuer address, DNS and the appliance’s firewall (outbound HTTPS).',
  discoveryNotHttps: 'Not secure: the issuer and its addresses must start with https://. {detail}',
  discoveryIssuerMismatch:
    'Issuer mismatch: the discovery document says {found}, not {issuer}. Copy the announced issuer exactly (tenant, trailing slash).',
  discoveryInvalid: 'No valid discovery document at {url}: this is not an OpenID Connect provider’s address.',
  notConfiguredYet: 'Save the settings first, then test the discovery.',
  issuerRequired: 'Issuer: required.',
  fieldFix: '{field}: {fix}',
  clientSecretRequired: 'Client secret: required (the issuer or client ID changed, or no secret is saved).',
  newUserRoleInvalid: 'Role of the accounts so created: choose a role from the list, other than admin.',
  breakGlassInvalid: 'Break-glass account: give the e-mail of an active admin of this appliance.',
  refusedTitle: 'Login refused',
  backToLogin: 'Back to the login page',
  refusedNoEmail:
    '{provider} sent no e-mail address. Your administrator must ask for the « email » scope (Entra ID: the optional « email » claim).',
  refusedUnverified: '{provider} has not verified {email}: verify it at the provider, then log in again.',
  refusedDomain: '{email} is not in the cabinet’s domains ({domains}).',
  refusedUnknown: 'No account matches {email} on this appliance: ask an administrator to invite you.',
  refusedDisabled: 'The account {email} is disabled on this appliance: ask an administrator.',
  refusedPlanFull:
    'The cabinet’s plan is full: every active user seat is taken, so no account could be created for {email}. An administrator may disable an account or change plan.',
  refusedCannotCreate: 'No account could be created for {email} ({reason}). Ask an administrator.',
  callbackNoFlow: 'This answer from the provider matches no login started in this browser in the last 10 minutes. Start again.',
  callbackStateMismatch: 'This answer does not match the login started in this browser. Start again.',
  callbackReplayed: 'This answer from the provider was already used. Start again.',
  callbackProviderError: 'The provider refused the login ({error}). Try again, or ask your administrator.',
  callbackTokenRefused: 'The provider’s tokens could not be verified. Try again, or ask your administrator to test the discovery.',
  ssoNotConfigured: 'Single sign-on is not configured on this appliance: log in with your password.',
  providerDown: 'The identity provider does not answer ({reason}). Try later; the break-glass account can log in with a password.',
  continueTitle: 'Logged in',
  continueLink: 'Continue',
  breakGlassLost:
    'Warning: password login is off and the break-glass account is no longer an active admin. Should the provider fail, nobody could log in: name another admin below.',
};

export const OIDC_CATALOGUES: Readonly<Record<Locale, OidcMessages>> = { fr: FR, en: EN };
