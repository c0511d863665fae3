/**
 * The support bundle's words on the admin page and its preview, in French and English. Kept
 * beside the feature rather than in messages.ts: they are used by these two views only.
 */
import type { Locale } from './messages.js';

const fr = {
  title: 'Paquet de support',
  intro:
    "Pour l'assistance de l'éditeur : journaux récents, diagnostic (doctor), versions, configuration sans secrets, état des heartbeats, du stockage et des sauvegardes. Aucune donnée de dossier : ni nom de client, ni fait, ni note, ni document ou nom de document.",
  prepare: 'Préparer le paquet',
  previewIntro:
    "Voici exactement ce que contient le paquet. Rien n'est parti : vous pouvez le télécharger pour le lire ou le joindre à un courriel, ou l'envoyer à l'éditeur, qui le conserve 30 jours.",
  file: 'Fichier',
  why: 'Pourquoi',
  size: 'Taille',
  logs: 'Lignes de journal : {kept} gardées, {dropped} écartées (elles citaient un identifiant ou n’étaient pas sûres), {removed} champs retirés.',
  download: 'Télécharger (.tar.gz)',
  send: "Envoyer à l'éditeur",
  sent: "Paquet envoyé à l'éditeur (référence {id}), conservé jusqu'au {until}.",
  fingerprint: 'Empreinte SHA-256',
  back: "Retour à l'administration",
};

const en: typeof fr = {
  title: 'Support bundle',
  intro:
    "For the vendor's support: recent logs, the doctor's diagnosis, versions, configuration without secrets, heartbeat, storage and backup state. No case data: no client name, fact, note, document or document name.",
  prepare: 'Prepare the bundle',
  previewIntro:
    'This is exactly what the bundle holds. Nothing has left: download it to read it or attach it to an email, or send it to the vendor, who keeps it for 30 days.',
  file: 'File',
  why: 'Why',
  size: 'Size',
  logs: 'Log lines: {kept} kept, {dropped} dropped (they named an identifier or were not safe), {removed} fields removed.',
  download: 'Download (.tar.gz)',
  send: 'Send to the vendor',
  sent: 'Bundle sent to the vendor (reference {id}), kept until {until}.',
  fingerprint: 'SHA-256 fingerprint',
  back: 'Back to administration',
};

export type SupportTexts = typeof fr;
export const SUPPORT_TEXTS: Readonly<Record<Locale, SupportTexts>> = { fr, en };
