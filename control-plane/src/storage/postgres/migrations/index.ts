/**
 * The schema's versions, oldest first. A version once released is never edited (its checksum is
 * recorded where it was applied, and a node refuses a database whose applied migration differs
 * from its own): a change is a new version appended here.
 */
import { V001_SCHEMA } from './v001Schema.js';
import { V002_DASHBOARD_SESSIONS } from './v002DashboardSessions.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'schema v1: all control-plane state', sql: V001_SCHEMA },
  { version: 2, name: 'dashboard login failures and logged-out sessions, shared by every node', sql: V002_DASHBOARD_SESSIONS },
];
