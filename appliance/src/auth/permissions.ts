/**
 * Roles are named sets of permissions. The four built-in roles match how a French immigration
 * practice works; custom roles (built from the same permissions) need a license with advanced
 * features.
 */
export const PERMISSIONS = [
  'cases.read',
  'cases.write',
  'cases.archive',
  'cases.export',
  'documents.read',
  'documents.write',
  'analyses.run',
  'users.manage',
  'admin.view',
  'audit.read',
  'license.manage',
  'backups.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const BUILT_IN_ROLES: Readonly<Record<string, readonly Permission[]>> = {
  admin: PERMISSIONS,
  avocat: ['cases.read', 'cases.write', 'cases.archive', 'cases.export', 'documents.read', 'documents.write', 'analyses.run', 'audit.read'],
  juriste: ['cases.read', 'cases.write', 'cases.export', 'documents.read', 'documents.write', 'analyses.run'],
  secretariat: ['cases.read', 'cases.write', 'documents.read', 'documents.write'],
};

export const ROLE_LABELS: Readonly<Record<string, string>> = {
  admin: 'Administrateur',
  avocat: 'Avocat',
  juriste: 'Juriste',
  secretariat: 'Secrétariat',
};
