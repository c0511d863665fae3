/**
 * The texts of passkeys (docs/second-factor.md): « Clés d'accès » in the account, the button of
 * the login's verification step, and the refusals of a ceremony. A catalogue of its own beside
 * messages.ts (French first, English with exactly the French keys).
 */
import type { Locale } from './messages.js';

const fr = {
  title: 'Clés d’accès',
  intro:
    'Une clé d’accès (passkey) est un second facteur : après votre mot de passe, l’appliance vous demande de la présenter — clé de sécurité USB ou NFC, empreinte ou code de cet ordinateur, téléphone. Elle ne fonctionne que sur l’adresse où elle a été créée.',
  listTitle: 'Mes clés d’accès',
  none: 'Aucune clé d’accès pour l’instant.',
  name: 'Nom',
  host: 'Adresse',
  createdAt: 'Ajoutée le',
  lastUsedAt: 'Dernière utilisation',
  neverUsed: 'jamais',
  actions: 'Actions',
  rename: 'Renommer',
  newName: 'Nouveau nom de « {name} »',
  remove: 'Supprimer',
  removeLabel: 'Supprimer la clé « {name} »',
  addTitle: 'Ajouter une clé d’accès',
  addName: 'Nom de la clé',
  addNameHint: 'Pour la reconnaître dans cette liste : par exemple « Clé USB du bureau » ou « Téléphone ».',
  addButton: 'Ajouter une clé d’accès',
  hostNote: 'Les clés ajoutées ici fonctionneront à l’adresse {host}.',
  added: 'La clé d’accès « {name} » est ajoutée : elle vous sera proposée à votre prochaine connexion.',
  renamed: 'La clé d’accès est renommée « {name} ».',
  removed: 'La clé d’accès « {name} » est supprimée.',
  useButton: 'Utiliser une clé d’accès',
  useIntro: 'Ou présentez l’une de vos clés d’accès.',
  useOnlyIntro: 'Présentez l’une de vos clés d’accès pour terminer la connexion.',
  waiting: 'Présentez votre clé d’accès (touchez la clé, ou suivez la demande de votre navigateur)…',
  cancelled: 'La clé d’accès n’a pas répondu (demande annulée ou délai dépassé) : réessayez.',
  unsupported: 'Ce navigateur ne sait pas utiliser les clés d’accès, ou la page n’est pas ouverte en HTTPS.',
  optionsFailed: 'La demande de clé d’accès n’a pas pu être préparée : rechargez la page et réessayez.',
  accountLink: 'Mes clés d’accès (second facteur)',
  enrolNotice: 'Le cabinet exige un second facteur pour votre compte : ajoutez une clé d’accès pour terminer votre connexion.',
  enrolLink: 'Ou utiliser une clé d’accès comme second facteur (clé de sécurité, empreinte, téléphone)',
  // Refusals, by code (webErrors-style: from the code and details, never the English message).
  hostIp:
    'Les clés d’accès ne fonctionnent pas quand l’appliance est ouverte par son adresse IP ({host}) : ouvrez-la par son nom ({names}).',
  hostUnknown:
    '{host} n’est pas l’un des noms de l’appliance ({names}) : ouvrez-la par l’un d’eux, ou demandez à votre prestataire de l’ajouter à TLS_NAMES.',
  hostOther: 'Vos clés d’accès ont été créées sur {names} : ouvrez l’appliance à cette adresse pour les utiliser.',
  challengeMissing:
    'Aucune demande de clé d’accès en cours (déjà utilisée, ou l’appliance a redémarré) : cliquez de nouveau sur le bouton.',
  challengeExpired: 'La demande de clé d’accès a expiré (5 minutes) : cliquez de nouveau sur le bouton.',
  unknown: 'Cette clé d’accès n’est pas l’une des vôtres sur cette appliance : présentez-en une autre.',
  noPasskey: 'Vous n’avez pas de clé d’accès : utilisez votre autre second facteur.',
  refused: 'La clé d’accès a été refusée (réponse invalide ou faite pour une autre adresse) : réessayez depuis cette page.',
  counterRegression:
    'La clé « {name} » a répondu avec un compteur qui n’avance pas : elle a peut-être été copiée. Elle est refusée ; connectez-vous avec un autre second facteur et supprimez-la de vos clés d’accès.',
  alreadyRegistered: 'Cette clé d’accès est déjà enregistrée sur l’appliance.',
  notFound: 'Cette clé d’accès n’existe plus (déjà supprimée ?).',
  nameRequired: 'Nom de la clé : donnez-lui un nom que vous reconnaîtrez (par exemple « Clé USB du bureau »).',
  nameTooLong: 'Nom de la clé : 60 caractères au plus.',
  lastFactorKept:
    'Le cabinet exige un second facteur pour votre compte et cette clé est le seul que vous ayez : ajoutez-en un autre (une clé d’accès ou une application d’authentification) avant de la supprimer.',
  nameControl: 'Nom de la clé : des lettres, chiffres et signes seulement (pas de caractère de contrôle).',
};

const en: typeof fr = {
  title: 'Passkeys',
  intro:
    'A passkey is a second factor: after your password, the appliance asks you to present it — a USB or NFC security key, this computer’s fingerprint or PIN, a phone. It works only at the address where it was created.',
  listTitle: 'My passkeys',
  none: 'No passkey yet.',
  name: 'Name',
  host: 'Address',
  createdAt: 'Added on',
  lastUsedAt: 'Last used',
  neverUsed: 'never',
  actions: 'Actions',
  rename: 'Rename',
  newName: 'New name for “{name}”',
  remove: 'Remove',
  removeLabel: 'Remove the passkey “{name}”',
  addTitle: 'Add a passkey',
  addName: 'Passkey name',
  addNameHint: 'To recognise it in this list: e.g. “Office USB key” or “Phone”.',
  addButton: 'Add a passkey',
  hostNote: 'Passkeys added here will work at the address {host}.',
  added: 'The passkey “{name}” is added: it will be offered at your next login.',
  renamed: 'The passkey is renamed “{name}”.',
  removed: 'The passkey “{name}” is removed.',
  useButton: 'Use a passkey',
  useIntro: 'Or present one of your passkeys.',
  useOnlyIntro: 'Present one of your passkeys to finish logging in.',
  waiting: 'Present your passkey (touch the key, or follow your browser’s prompt)…',
  cancelled: 'The passkey did not answer (request cancelled or timed out): try again.',
  unsupported: 'This browser cannot use passkeys, or the page is not open over HTTPS.',
  optionsFailed: 'The passkey request could not be prepared: reload the page and try again.',
  accountLink: 'My passkeys (second factor)',
  enrolNotice: 'The cabinet requires a second factor of your account: add a passkey to finish logging in.',
  enrolLink: 'Or use a passkey as your second factor (security key, fingerprint, phone)',
  hostIp: 'Passkeys do not work when the appliance is opened by its IP address ({host}): open it by its name ({names}).',
  hostUnknown: '{host} is not one of the appliance’s names ({names}): open it by one of them, or ask your provider to add it to TLS_NAMES.',
  hostOther: 'Your passkeys were created on {names}: open the appliance at that address to use them.',
  challengeMissing: 'No passkey request is under way (already used, or the appliance restarted): click the button again.',
  challengeExpired: 'The passkey request expired (5 minutes): click the button again.',
  unknown: 'This passkey is not one of yours on this appliance: present another.',
  noPasskey: 'You have no passkey: use your other second factor.',
  refused: 'The passkey was refused (invalid answer, or made for another address): try again from this page.',
  counterRegression:
    'The passkey “{name}” answered with a counter that does not move forward: it may have been copied. It is refused; log in with another second factor and remove it from your passkeys.',
  alreadyRegistered: 'This passkey is already registered on the appliance.',
  notFound: 'This passkey no longer exists (removed already?).',
  nameRequired: 'Passkey name: give it a name you will recognise (e.g. “Office USB key”).',
  nameTooLong: 'Passkey name: at most 60 characters.',
  lastFactorKept:
    'The cabinet requires a second factor of your account and this passkey is your only one: add another (a passkey or an authenticator app) before removing it.',
  nameControl: 'Passkey name: letters, digits and signs only (no control character).',
};

export type PasskeyMessages = typeof fr;
export const PASSKEY_CATALOGUES: Readonly<Record<Locale, PasskeyMessages>> = { fr, en };
