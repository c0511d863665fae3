/**
 * A target's settings from the flat text fields a form or the command line gives (`port` "22",
 * `keep` "7", an empty secret), checked with the settings schema so both edges refuse the same
 * things with the same "field: fix" messages. On an edit, a secret left empty keeps the saved one
 * (pages never show secrets back, so an empty field means "unchanged").
 */
import { parseWith } from '@iamanager/protocol';
import { ApplianceError } from '../../../errors.js';
import { targetSettingsSchema, type TargetSettings } from './targetSettings.js';

export type TargetFields = Record<string, string | undefined>;

const text = (v: string | undefined) => (v === undefined || v.trim() === '' ? null : v.trim());

function integer(field: string, v: string | undefined): number | null {
  const t = text(v);
  if (t === null) return null;
  if (!/^\d+$/.test(t)) throw new ApplianceError('invalid_input', `${field}: must be a whole number, e.g. 7`, { field });
  return Number(t);
}

export function settingsFromFields(fields: TargetFields, existing: TargetSettings | undefined, now: Date): TargetSettings {
  const kind = existing?.kind ?? text(fields.kind);
  const common = {
    id: existing?.id ?? text(fields.id) ?? '',
    kind,
    label: text(fields.label) ?? existing?.label ?? '',
    enabled: fields.enabled === undefined ? (existing?.enabled ?? true) : fields.enabled === 'true' || fields.enabled === 'on',
    retention: {
      keep: fields.keep === undefined ? (existing?.retention.keep ?? 7) : integer('keep', fields.keep),
      days: fields.days === undefined ? (existing?.retention.days ?? null) : integer('days', fields.days),
    },
    createdAt: existing?.createdAt ?? now.toISOString(),
  };
  const old = existing as Record<string, unknown> | undefined;
  const pick = (name: string) => text(fields[name]) ?? (old?.[name] as string | null | undefined) ?? null;
  let input: Record<string, unknown>;
  switch (kind) {
    case 'folder':
      input = { ...common, path: pick('path') ?? '' };
      break;
    case 'sftp': {
      // A password replaces a key and the other way round: one way of logging in at a time.
      const newPassword = text(fields.password);
      // Pasted into a form, a key may come with CRLF line ends; OpenSSH keys end with a newline.
      const pasted = text(fields.privateKey);
      const newKey = pasted === null ? null : `${pasted.replace(/\r\n/g, '\n')}\n`;
      input = {
        ...common,
        host: pick('host') ?? '',
        port: integer('port', fields.port) ?? (old?.port as number | undefined) ?? 22,
        username: pick('username') ?? '',
        password: newKey !== null ? newPassword : (newPassword ?? (old?.password as string | null | undefined) ?? null),
        privateKey: newPassword !== null ? newKey : (newKey ?? (old?.privateKey as string | null | undefined) ?? null),
        remoteDir: pick('remoteDir') ?? '',
        hostKeySha256: pick('hostKeySha256'),
      };
      break;
    }
    case 's3':
      input = {
        ...common,
        endpoint: pick('endpoint') ?? '',
        region: pick('region') ?? '',
        bucket: pick('bucket') ?? '',
        // Empty is meaningful here (the bucket's root): only an absent field keeps the saved prefix.
        prefix: fields.prefix === undefined ? ((old?.prefix as string | undefined) ?? '') : fields.prefix.trim().replace(/^\/+|\/+$/g, ''),
        accessKeyId: pick('accessKeyId') ?? '',
        secretAccessKey: text(fields.secretAccessKey) ?? (old?.secretAccessKey as string | undefined) ?? '',
        pathStyle:
          fields.pathStyle === undefined
            ? ((old?.pathStyle as boolean | undefined) ?? false)
            : fields.pathStyle === 'true' || fields.pathStyle === 'on',
      };
      break;
    default:
      throw new ApplianceError('invalid_input', 'kind: must be folder, sftp or s3', { field: 'kind' });
  }
  return parseWith(targetSettingsSchema, input);
}
