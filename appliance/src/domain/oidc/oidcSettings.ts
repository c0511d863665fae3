/**
 * The single sign-on settings (docs/single-sign-on.md), saved from `/admin/connexion-unique`: the
 * provider, who may come in through it, and whether password login stays open. The client secret
 * is write-only, like the SMTP password: never returned, kept when the field is left empty.
 *
 * Turning password login off keeps exactly one account able to use it, the « compte de secours »
 * (break-glass): an active admin, so that a broken or unreachable identity provider never locks the
 * cabinet out of its own appliance. `appliance sso allow-local-login` reopens it from the shell.
 */
import { z } from 'zod';
import type { Document } from '@iamanager/kernel/storage';
import { ApplianceError } from '../../errors.js';
import type { OidcSettingsFile, SavedOidcProvider } from '../../storage/oidcSettingsStore.js';
import type { User } from '../../storage/userStore.js';
import { issuerSchema } from './issuerUrl.js';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** "cabinet.fr, cabinet-paris.fr" → ['cabinet.fr', 'cabinet-paris.fr']; an '@' before a domain is dropped. */
const domainsSchema = z
  .string()
  .max(1000, { error: 'must be at most 1000 characters' })
  .transform((v, ctx) => {
    const domains = [
      ...new Set(
        v
          .split(/[\s,;]+/)
          .map((d) => d.trim().toLowerCase().replace(/^@/, ''))
          .filter((d) => d !== ''),
      ),
    ];
    const bad = domains.filter((d) => !DOMAIN.test(d));
    if (bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${bad.map((d) => JSON.stringify(d)).join(', ')}: give e-mail domains separated by commas, e.g. cabinet.fr, cabinet-lyon.fr (or leave empty for any)`,
      });
      return z.NEVER;
    }
    return domains;
  });

/** What the form sends. `clientSecret` empty: keep the saved one. */
export const oidcSettingsInput = z.strictObject({
  issuer: issuerSchema,
  clientId: z
    .string()
    .trim()
    .min(1, { error: 'is required: the application (client) ID your provider shows for this appliance' })
    .max(255, { error: 'must be at most 255 characters' }),
  clientSecret: z.string().trim().max(1024, { error: 'must be at most 1024 characters' }).optional(),
  displayName: z
    .string()
    .trim()
    .min(1, { error: 'is required: the name on the login button, e.g. Microsoft or Google' })
    .max(40, { error: 'must be at most 40 characters: it is shown on a button' }),
  /** The form's text ("cabinet.fr, cabinet-lyon.fr"), or the API's list. */
  allowedDomains: z.preprocess((v) => (Array.isArray(v) ? v.join(',') : (v ?? '')), domainsSchema),
  createUsers: z.boolean({ error: 'must be true or false' }),
  newUserRole: z.string().trim().max(32, { error: 'must be a role name of at most 32 characters, e.g. avocat' }).default('avocat'),
  localLoginOff: z.boolean({ error: 'must be true or false' }),
  /** The one account that keeps password login; required when `localLoginOff`. */
  breakGlassEmail: z.string().trim().toLowerCase().max(254, { error: 'must be an e-mail address of at most 254 characters' }).default(''),
});
export type OidcSettingsInput = z.infer<typeof oidcSettingsInput>;

/** The settings as a page may show them: everything but the client secret, whether one is saved. */
export interface OidcSettingsView {
  configured: boolean;
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  displayName: string;
  allowedDomains: readonly string[];
  createUsers: boolean;
  newUserRole: string;
  localLoginOff: boolean;
  breakGlassEmail: string;
  /** Set when password login is off and the break-glass account is no longer an active admin. */
  breakGlassProblem: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** What the settings need of the users: who exists, which roles, who is an active admin. */
export interface OidcUserDirectory {
  byId(id: string): User | undefined;
  byEmail(email: string): User | undefined;
  roles(): ReadonlyArray<{ name: string }>;
}

export class OidcSettings {
  constructor(
    private readonly doc: Document<OidcSettingsFile>,
    private readonly users: OidcUserDirectory,
    private readonly clock: () => Date,
  ) {}

  /** The saved provider, or null when single sign-on is not configured. */
  provider(): Readonly<SavedOidcProvider> | null {
    return this.doc.data.provider;
  }

  view(): OidcSettingsView {
    const p = this.doc.data.provider;
    return {
      configured: p !== null,
      issuer: p?.issuer ?? '',
      clientId: p?.clientId ?? '',
      hasClientSecret: Boolean(p?.clientSecret),
      displayName: p?.displayName ?? '',
      allowedDomains: p?.allowedDomains ?? [],
      createUsers: p?.createUsers ?? false,
      newUserRole: p?.newUserRole ?? 'avocat',
      localLoginOff: p?.localLoginOff ?? false,
      breakGlassEmail: (p?.breakGlassUserId && this.users.byId(p.breakGlassUserId)?.email) || '',
      breakGlassProblem: this.breakGlassProblem(),
      updatedAt: this.doc.data.updatedAt,
      updatedBy: this.doc.data.updatedBy,
    };
  }

  /** Saves parsed input. Throws `invalid_input` naming the field and the fix. */
  async save(input: OidcSettingsInput, by: string): Promise<OidcSettingsView> {
    const previous = this.doc.data.provider;
    // A secret belongs to one client at one provider: a new client id or issuer needs its own.
    const sameClient = previous?.issuer === input.issuer && previous.clientId === input.clientId;
    const clientSecret = input.clientSecret || (sameClient ? previous.clientSecret : '');
    if (!clientSecret)
      throw new ApplianceError(
        'invalid_input',
        previous && !sameClient
          ? 'clientSecret: is required again: the issuer or the client ID changed, and the saved secret belongs to the former one'
          : 'clientSecret: is required: the client secret your provider issued for this appliance',
        { field: 'clientSecret' },
      );
    if (input.createUsers) this.assertNewUserRole(input.newUserRole);
    const breakGlass = input.localLoginOff ? this.breakGlassAdmin(input.breakGlassEmail) : null;
    this.doc.data.provider = {
      issuer: input.issuer,
      clientId: input.clientId,
      clientSecret,
      displayName: input.displayName,
      allowedDomains: input.allowedDomains,
      createUsers: input.createUsers,
      newUserRole: input.createUsers ? input.newUserRole : (previous?.newUserRole ?? 'avocat'),
      localLoginOff: input.localLoginOff,
      breakGlassUserId: breakGlass?.id ?? null,
    };
    await this.touch(by);
    return this.view();
  }

  /** Single sign-on off: the login page is back to passwords only, for everyone. */
  async forget(by: string): Promise<void> {
    this.doc.data.provider = null;
    await this.touch(by);
  }

  /**
   * Password login open to everyone again (`appliance sso allow-local-login`, or the page): the
   * way back in when the identity provider is broken. Returns whether it was off.
   */
  async allowLocalLogin(by: string): Promise<boolean> {
    const p = this.doc.data.provider;
    if (!p?.localLoginOff) return false;
    p.localLoginOff = false;
    p.breakGlassUserId = null;
    await this.touch(by);
    return true;
  }

  /**
   * What is wrong with the break-glass account, or null: when password login is off and that
   * account has since been disabled, demoted or removed, nobody can log in without the provider
   * (checked where it shows: the admin page, `appliance doctor`, `appliance sso show`).
   */
  breakGlassProblem(): string | null {
    const p = this.doc.data.provider;
    if (!p?.localLoginOff) return null;
    const user = p.breakGlassUserId ? this.users.byId(p.breakGlassUserId) : undefined;
    if (user?.active && user.role === 'admin') return null;
    return `password login is off and its break-glass account ${user ? `(${user.email}) is no longer an active admin` : 'no longer exists'}: nobody can log in if the identity provider fails; name another admin on /admin/connexion-unique, or run \`appliance sso allow-local-login\``;
  }

  /** Whether the password form still serves `user` (always, unless password login is off and they are not the break-glass admin). */
  passwordLoginAllowed(user: Pick<User, 'id'>): boolean {
    const p = this.doc.data.provider;
    return !p?.localLoginOff || p.breakGlassUserId === user.id;
  }

  /** Throws `local_login_disabled` when password login is off for `user` (checked after their password, see the login routes). */
  assertPasswordLogin(user: Pick<User, 'id'>): void {
    const p = this.doc.data.provider;
    if (p && !this.passwordLoginAllowed(user))
      throw new ApplianceError(
        'local_login_disabled',
        `password login is turned off for this cabinet: log in with « Se connecter avec ${p.displayName} » (/connexion/oidc)`,
        { provider: p.displayName },
      );
  }

  private assertNewUserRole(role: string): void {
    if (!this.users.roles().some((r) => r.name === role))
      throw new ApplianceError('invalid_input', `newUserRole: "${role}" is not a role of this appliance: choose one in the list`, {
        field: 'newUserRole',
      });
    // Whoever controls an account at the provider would become an administrator of the appliance.
    if (role === 'admin')
      throw new ApplianceError(
        'invalid_input',
        'newUserRole: must not be admin: give a lawyer’s role, and make administrators by hand on /admin/utilisateurs',
        { field: 'newUserRole' },
      );
  }

  private breakGlassAdmin(email: string): User {
    if (!email)
      throw new ApplianceError(
        'invalid_input',
        'breakGlassEmail: is required when password login is off: the e-mail of the admin who keeps it, in case the provider fails',
        { field: 'breakGlassEmail' },
      );
    const user = this.users.byEmail(email);
    if (!user || !user.active || user.role !== 'admin')
      throw new ApplianceError(
        'invalid_input',
        `breakGlassEmail: ${email} is not an active admin of this appliance: give the e-mail of one (see /admin/utilisateurs)`,
        { field: 'breakGlassEmail' },
      );
    return user;
  }

  private async touch(by: string): Promise<void> {
    this.doc.data.updatedAt = this.clock().toISOString();
    this.doc.data.updatedBy = by;
    await this.doc.write();
  }
}
