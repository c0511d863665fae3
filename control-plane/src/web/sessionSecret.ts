/**
 * The secret dashboard session cookies are signed with: generated on the first start of the
 * server (never shipped), kept in DATA_DIR/dashboard-session.json (mode 0600). Only `serve` opens
 * it; deleting the file ends every session at the next start.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { openDocument } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';

const sessionSecretSchema = z.object({ secret: z.string().min(32), createdAt: z.string() });
type SessionSecretFile = z.infer<typeof sessionSecretSchema> | { secret: null; createdAt: null };

export async function loadSessionSecret(dataDir: string, now: Date, log: Logger): Promise<string> {
  const doc = await openDocument<SessionSecretFile>(
    path.join(dataDir, 'dashboard-session.json'),
    { secret: null, createdAt: null },
    { schema: sessionSecretSchema as z.ZodType<SessionSecretFile>, log, mode: 0o600 },
  );
  if (doc.data.secret) return doc.data.secret;
  const secret = randomBytes(32).toString('base64url');
  doc.data = { secret, createdAt: now.toISOString() };
  await doc.write();
  log.info('dashboard session secret generated');
  return secret;
}
