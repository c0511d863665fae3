/**
 * The « Copies hors site » section of `/admin/sauvegardes` (docs/backup.md): the warning when the
 * last off-site copy is older than 24 h (or there is none while backups run), each target with its
 * last copy and last failure, and the forms to add, change, test and remove targets. Secrets are
 * never shown back: a saved password or key reads « enregistré », and an empty field keeps it.
 */
import type { JSX } from 'preact';
import { fill } from '../messages.js';
import { formatDate } from '../format.js';
import { Csrf } from '../components.js';
import { OFFSITE_TEXTS, offsiteFailure, type OffsiteMessages } from '../offsiteMessages.js';
import type { Chrome } from '../viewModels.js';
import type { OffsiteStatus, OffsiteTargetView } from '../../domain/backups/offsite/offsiteCopies.js';

export interface OffsiteView {
  status: OffsiteStatus;
  warning: { kind: 'none' | 'stale' | 'no-target'; lastOffsiteCopyAt: string | null; hours: number | null } | null;
}

export function OffsiteSection({ chrome, offsite }: { chrome: Chrome; offsite: OffsiteView }) {
  const t = OFFSITE_TEXTS[chrome.locale];
  const { status, warning } = offsite;
  return (
    <section class="card" aria-labelledby="offsite-title" id="copies-hors-site">
      <h2 id="offsite-title">{t.title}</h2>
      <p class="hint">{t.intro}</p>
      {warning ? (
        <p class="warning" id="offsite-warning">
          {warning.kind === 'stale'
            ? fill(t.warnStale, { at: formatDate(warning.lastOffsiteCopyAt, chrome.locale, true), hours: warning.hours ?? 0 })
            : warning.kind === 'none'
              ? t.warnNone
              : t.warnNoTarget}
        </p>
      ) : null}
      <dl class="facts">
        <dt>{t.lastOffsiteCopy}</dt>
        <dd id="offsite-last">{formatDate(status.lastOffsiteCopyAt, chrome.locale, true) || t.never}</dd>
      </dl>
      {status.targets.map((target) => (
        <TargetCard chrome={chrome} t={t} target={target} />
      ))}
      {/* Folded even with no target yet: the three kinds' fields would make the backups page as long as
          three screens, and the warning above already says a target is missing. */}
      <details>
        <summary>{t.add}</summary>
        <TargetForm chrome={chrome} t={t} action="/admin/sauvegardes/cibles" />
      </details>
    </section>
  );
}

function retentionText(t: OffsiteMessages, r: { keep: number | null; days: number | null }): string {
  return [r.keep !== null ? fill(t.keepN, { keep: r.keep }) : null, r.days !== null ? fill(t.keepDays, { days: r.days }) : null]
    .filter((x) => x !== null)
    .join(', ');
}

function TargetCard({ chrome, t, target }: { chrome: Chrome; t: OffsiteMessages; target: OffsiteTargetView }) {
  const s = target.status;
  const base = `/admin/sauvegardes/cibles/${encodeURIComponent(target.id)}`;
  return (
    <article class="offsite-target" id={`cible-${target.id}`}>
      <h3>
        {target.label} {target.enabled ? null : <span class="badge">({t.disabled})</span>}
      </h3>
      <dl class="facts">
        <dt>{t.kind}</dt>
        <dd>
          {target.kind === 'folder' ? t.kindFolder : target.kind === 'sftp' ? t.kindSftp : target.kind === 's3' ? t.kindS3 : target.kind}
        </dd>
        <dt>{t.retention}</dt>
        <dd>{retentionText(t, target.settings.retention as { keep: number | null; days: number | null })}</dd>
        <dt>{t.lastCopy}</dt>
        <dd>{s.lastSuccessAt ? `${formatDate(s.lastSuccessAt, chrome.locale, true)} (${s.lastCopy ?? ''})` : t.never}</dd>
      </dl>
      {s.lastError ? (
        <>
          <p class="warning">
            {t.lastError} ({formatDate(s.lastError.at, chrome.locale, true)}) : {offsiteFailure(t, s.lastError.code)}
          </p>
          <details>
            <summary>{t.technicalDetail}</summary>
            <code>{s.lastError.message}</code>
          </details>
        </>
      ) : null}
      <form method="post" action={`${base}/tester`} class="inline">
        <Csrf token={chrome.csrf} />
        <button type="submit">{t.test}</button>
      </form>
      <form method="post" action={`${base}/supprimer`} class="inline">
        <Csrf token={chrome.csrf} />
        <button type="submit" class="danger">
          {t.remove}
        </button>
      </form>
      <details>
        <summary>{t.edit}</summary>
        <TargetForm chrome={chrome} t={t} action={base} target={target} />
      </details>
    </article>
  );
}

/** One labelled input; ids carry the target's id so several forms live on one page. */
function Input(props: {
  prefix: string;
  name: string;
  label: string;
  value?: string;
  type?: 'text' | 'number' | 'password';
  hint?: string;
  placeholder?: string;
}) {
  const id = `${props.prefix}-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <input
        {...({
          id,
          'name': props.name,
          'type': props.type ?? 'text',
          'value': props.type === 'password' ? undefined : props.value,
          'placeholder': props.placeholder,
          'aria-describedby': props.hint ? `${id}-hint` : undefined,
        } as JSX.IntrinsicElements['input'])}
      />
    </div>
  );
}

function TargetForm({ chrome, t, action, target }: { chrome: Chrome; t: OffsiteMessages; action: string; target?: OffsiteTargetView }) {
  const v = (target?.settings ?? {}) as Record<string, unknown>;
  const str = (key: string) => (v[key] === null || v[key] === undefined ? '' : String(v[key]));
  const retention = (v.retention ?? { keep: 7, days: null }) as { keep: number | null; days: number | null };
  const prefix = target ? `cible-${target.id}` : 'nouvelle-cible';
  const kind = target?.kind;
  return (
    <form method="post" action={action} class="stack">
      <Csrf token={chrome.csrf} />
      {target ? null : (
        <>
          <div class="field">
            <label for={`${prefix}-kind`}>{t.kind}</label>
            <select id={`${prefix}-kind`} name="kind">
              <option value="folder">{t.kindFolder}</option>
              <option value="sftp">{t.kindSftp}</option>
              <option value="s3">{t.kindS3}</option>
            </select>
          </div>
          <Input prefix={prefix} name="id" label={t.id} />
        </>
      )}
      <Input prefix={prefix} name="label" label={t.label} value={str('label')} />
      {kind === undefined || kind === 'folder' ? <Input prefix={prefix} name="path" label={t.path} value={str('path')} /> : null}
      {kind === undefined || kind === 'sftp' ? (
        <>
          <Input prefix={prefix} name="host" label={t.host} value={str('host')} />
          <Input prefix={prefix} name="port" label={t.port} value={str('port') || '22'} />
          <Input prefix={prefix} name="username" label={t.username} value={str('username')} />
          <Input
            prefix={prefix}
            name="password"
            label={t.password}
            type="password"
            {...(v.passwordSet === true ? { placeholder: t.secretSet } : {})}
          />
          <div class="field">
            <label for={`${prefix}-privateKey`}>{t.privateKey}</label>
            <textarea
              id={`${prefix}-privateKey`}
              name="privateKey"
              rows={4}
              autocomplete="off"
              placeholder={v.privateKeySet === true ? t.secretSet : undefined}
            />
          </div>
          <Input prefix={prefix} name="remoteDir" label={t.remoteDir} value={str('remoteDir')} />
          <Input prefix={prefix} name="hostKeySha256" label={t.hostKey} value={str('hostKeySha256')} hint={t.hostKeyHint} />
        </>
      ) : null}
      {kind === undefined || kind === 's3' ? (
        <>
          <Input prefix={prefix} name="endpoint" label={t.endpoint} value={str('endpoint')} hint={t.endpointHint} />
          <Input prefix={prefix} name="region" label={t.region} value={str('region')} />
          <Input prefix={prefix} name="bucket" label={t.bucket} value={str('bucket')} />
          <Input prefix={prefix} name="prefix" label={t.prefix} value={str('prefix')} />
          <Input prefix={prefix} name="accessKeyId" label={t.accessKeyId} value={str('accessKeyId')} />
          <Input
            prefix={prefix}
            name="secretAccessKey"
            label={t.secretAccessKey}
            type="password"
            {...(v.secretAccessKeySet === true ? { placeholder: t.secretSet } : {})}
          />
          <div class="field">
            <label>
              <input type="checkbox" name="pathStyle" value="on" checked={v.pathStyle === true} /> {t.pathStyle}
            </label>
          </div>
          <input type="hidden" name="pathStyleField" value="1" />
        </>
      ) : null}
      <Input prefix={prefix} name="keep" label={t.keep} type="number" value={retention.keep === null ? '' : String(retention.keep)} />
      <Input prefix={prefix} name="days" label={t.days} type="number" value={retention.days === null ? '' : String(retention.days)} />
      <div class="field">
        <label>
          <input type="checkbox" name="enabled" value="on" checked={target ? target.enabled : true} /> {t.enabled}
        </label>
      </div>
      <input type="hidden" name="enabledField" value="1" />
      <button type="submit">{target ? t.save : t.add}</button>
    </form>
  );
}
