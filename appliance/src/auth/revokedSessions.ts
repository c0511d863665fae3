/** Sessions ended by a logout: the shared web kernel's list (protocol/kernel/src/web/revokedSessions.ts), kept in DATA_DIR/revoked-sessions.json. */
export { RevokedSessions, MAX_REVOKED } from '@iamanager/kernel/web';
