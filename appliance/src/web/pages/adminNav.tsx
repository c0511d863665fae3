/**
 * The frame of every administration page: the sub-navigation (one link per subject, the current
 * one marked with aria-current) and the page's title. One short page per subject replaces the
 * single long page there was (docs/administration.md).
 */
import type { ComponentChildren } from 'preact';
import { Layout } from '../layout.js';
import { ADMIN_TEXTS, type AdminTexts } from '../adminMessages.js';
import type { Chrome } from '../viewModels.js';

/** The subjects, in the order of the sub-navigation, with their French addresses. */
export const ADMIN_SECTIONS: ReadonlyArray<{ href: string; label: keyof AdminTexts }> = [
  { href: '/admin', label: 'overview' },
  { href: '/admin/utilisateurs', label: 'users' },
  { href: '/admin/licence', label: 'license' },
  { href: '/admin/connexion-editeur', label: 'heartbeat' },
  { href: '/admin/sauvegardes', label: 'backups' },
  { href: '/admin/messagerie', label: 'mail' },
  { href: '/admin/identite', label: 'identity' },
  { href: '/admin/journal', label: 'audit' },
  { href: '/admin/assistance', label: 'support' },
  // Pages of the lawyers' day that only admins reach: the reminder policy and mail server
  // (docs/reminders.md), the second-confirmation rule (docs/deadlines.md), the draft templates.
  { href: '/admin/rappels', label: 'reminderRules' },
  { href: '/echeances/regles', label: 'deadlineRules' },
  { href: '/modeles', label: 'draftTemplates' },
  // Who must have a second factor (docs/second-factor.md).
  { href: '/admin/securite', label: 'security' },
  // OpenID Connect login and password login off (docs/single-sign-on.md).
  { href: '/admin/connexion-unique', label: 'singleSignOn' },
];

export function AdminLayout({ chrome, title, children }: { chrome: Chrome; title: string; children: ComponentChildren }) {
  const t = ADMIN_TEXTS[chrome.locale];
  return (
    <Layout chrome={chrome} title={title}>
      <nav class="subnav" aria-label={t.navLabel}>
        <ul>
          {ADMIN_SECTIONS.map((s) => (
            <li>
              <a href={s.href} aria-current={chrome.path === s.href ? 'page' : undefined}>
                {t[s.label]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <h1>{title}</h1>
      {children}
    </Layout>
  );
}
