/**
 * Drafts: the templates page (/modeles: list, download, replace with a checked .docx, back to the
 * shipped one; admin) and the case page's « Rédiger » buttons (POST /dossiers/:id/brouillons/:kind),
 * which write the draft among the case's pièces and come back to the case page with its link.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { DomainError, NotFoundError } from '@iamanager/protocol';
import { sendDownload } from '@iamanager/kernel/web';
import { FlashMessage } from '@iamanager/kernel/ui';
import type { Appliance } from '../../appliance.js';
import { requirePermission, uploaderOf, type Caller } from '../../auth/authenticate.js';
import { DRAFT_KIND_INFO, isDraftKind, type DraftKind } from '../../domain/drafting/draftKinds.js';
import { DRAFT_TAGS } from '../../domain/drafting/draftModel.js';
import { DraftTemplates, type TemplateState } from '../../domain/drafting/draftTemplates.js';
import { DOCX_TYPE, generateDraft, type DraftDeps } from '../../domain/drafting/generateDraft.js';
import { receiveTemplate } from '../../domain/drafting/templateUpload.js';
import { ActionButton, Csrf } from '../components.js';
import { DRAFT_CATALOGUES, type DraftMessages } from '../draftMessages.js';
import { describeFactFr } from '../draftFacts.js';
import { formatDate } from '../format.js';
import { Layout } from '../layout.js';
import { fill } from '../messages.js';
import { draftTitle } from '../pages/caseDrafts.js';
import { chromeOf, localeOf, messagesOf } from '../pageContext.js';
import { describeError } from '../webErrors.js';
import { sendPage } from '../render.js';
import type { Chrome } from '../viewModels.js';
import type { AppliancePage, WebDeps } from '../webPage.js';

export const draftPages: AppliancePage = { mount: mountDraftPages };

const actorOf = (c: Caller) => ({ id: c.user.id, email: c.user.email });

function kindOf(ctx: Context): DraftKind {
  const kind = ctx.params.kind ?? '';
  if (!isDraftKind(kind)) throw new NotFoundError('draft template', kind);
  return kind;
}

/** The drafting domain's view of the appliance: its cases, documents, templates and the cabinet. */
export function draftDepsOf(appliance: Appliance, templates: DraftTemplates): DraftDeps {
  const id = appliance.config.identity;
  return {
    cases: appliance.cases,
    documents: appliance.documents,
    templates,
    clock: appliance.clock,
    context: (c) => {
      const lawyer = c.assignedTo ? appliance.users.byId(c.assignedTo) : undefined;
      return {
        cabinet: { name: id.name, address: id.address, phone: id.phone, email: id.email, siret: id.siret },
        lawyer: lawyer ? { name: lawyer.name, email: lawyer.email } : null,
        describeFact: describeFactFr,
      };
    },
  };
}

/** A refusal in the page's words: an unknown tag is named; other faults keep the check's sentence. */
function refusalText(err: unknown, d: DraftMessages): string {
  if (!(err instanceof DomainError)) throw err;
  const details = (err.details ?? {}) as { unknownTags?: unknown; reason?: unknown; errors?: unknown };
  if (Array.isArray(details.unknownTags))
    return fill(d.templateUnknownTags, { tags: details.unknownTags.map((t) => `{${String(t)}}`).join(', ') });
  if (err.code === 'payload_too_large') return d.templateTooLarge;
  if (details.reason === 'not_docx') return d.templateNotDocx;
  if (details.reason === 'syntax') return fill(d.templateSyntax, { errors: String(details.errors) });
  return fill(d.templateRefused, { reason: err.message });
}

function TemplatesPage({
  chrome,
  states,
  flash,
}: {
  chrome: Chrome;
  states: TemplateState[];
  flash?: { kind: 'ok' | 'error'; text: string };
}) {
  const d = DRAFT_CATALOGUES[chrome.locale];
  return (
    <Layout chrome={chrome} title={d.templatesTitle}>
      <h1>{d.templatesTitle}</h1>
      <p>{d.templatesIntro}</p>
      {flash ? <FlashMessage flash={flash} /> : null}
      {states.map((s) => (
        <section class="card" aria-labelledby={`t-${s.kind}`}>
          <h2 id={`t-${s.kind}`}>{draftTitle(s.kind, chrome.locale)}</h2>
          <p class="hint">
            {DRAFT_KIND_INFO[s.kind].legalBasis} —{' '}
            {s.replacedAt ? fill(d.templateReplaced, { date: formatDate(s.replacedAt, chrome.locale, true) }) : d.templateShipped}
          </p>
          <p class="actions">
            <a class="button secondary" href={`/modeles/${s.kind}/modele.docx`} download>
              {d.templateDownload}
            </a>
            {s.replacedAt ? <ActionButton action={`/modeles/${s.kind}/reinitialiser`} label={d.templateReset} csrf={chrome.csrf} /> : null}
          </p>
          <form method="post" action={`/modeles/${s.kind}`} enctype="multipart/form-data">
            {/* First field: the route checks it while streaming, before the file (never in the URL). */}
            <Csrf token={chrome.csrf} />
            <label for={`f-file-${s.kind}`}>{d.templateUpload}</label>
            <input
              id={`f-file-${s.kind}`}
              name="file"
              type="file"
              required
              accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            />
            <button type="submit" class="button secondary">
              {d.templateSend}
            </button>
          </form>
        </section>
      ))}
      <section class="card" aria-labelledby="tags-title">
        <h2 id="tags-title">{d.tagsTitle}</h2>
        <dl class="facts">
          {Object.entries(DRAFT_TAGS).map(([tag, t]) =>
            typeof t === 'string' ? (
              <>
                <dt>
                  <code>{`{${tag}}`}</code>
                </dt>
                <dd>{t}</dd>
              </>
            ) : (
              <>
                <dt>
                  <code>{`{#${tag}}…{/${tag}}`}</code>
                </dt>
                <dd>
                  {t.description} —{' '}
                  {fill(d.tagsLoop, {
                    fields: Object.keys(t.fields)
                      .map((f) => `{${f}}`)
                      .join(', '),
                  })}
                </dd>
              </>
            ),
          )}
        </dl>
      </section>
    </Layout>
  );
}

function mountDraftPages(pages: Router, { appliance }: WebDeps): void {
  const templates = new DraftTemplates(appliance.config.dataDir);
  const router = new Router({ prefix: '/modeles' });

  const listPage = async (ctx: Context, flash?: { kind: 'ok' | 'error'; text: string }, status = 200) => {
    ctx.status = status;
    sendPage(ctx, <TemplatesPage chrome={chromeOf(appliance, ctx)} states={await templates.states()} flash={flash} />, status);
  };

  router.get('/', async (ctx) => {
    requirePermission(ctx, 'admin.view');
    const d = DRAFT_CATALOGUES[localeOf(ctx)];
    const kind = typeof ctx.query.modele === 'string' && isDraftKind(ctx.query.modele) ? ctx.query.modele : null;
    const said =
      kind && ctx.query.fait === 'remplace' ? d.templateSaved : kind && ctx.query.fait === 'reinitialise' ? d.templateWasReset : null;
    await listPage(ctx, said && kind ? { kind: 'ok', text: fill(said, { title: draftTitle(kind, localeOf(ctx)) }) } : undefined);
  });

  router.get('/:kind/modele.docx', async (ctx) => {
    requirePermission(ctx, 'admin.view');
    const kind = kindOf(ctx);
    sendDownload(ctx, { filename: `modele-${kind.replace(/_/g, '-')}.docx`, contentType: DOCX_TYPE, content: await templates.read(kind) });
  });

  router.post('/:kind', async (ctx) => {
    const { caller, bodyCsrf } = uploaderOf(ctx, 'admin.view');
    const kind = kindOf(ctx);
    try {
      const { content } = await receiveTemplate(ctx, bodyCsrf);
      ctx.state.caller = caller;
      await templates.replace(kind, content);
    } catch (err) {
      // A forged upload gets the error page (403): nothing was read or kept.
      if (err instanceof DomainError && err.code === 'csrf_failed') throw err;
      ctx.state.caller = caller;
      const text = refusalText(err, DRAFT_CATALOGUES[localeOf(ctx)]);
      return listPage(ctx, { kind: 'error', text }, describeError(err, messagesOf(ctx)).status);
    }
    await appliance.audit.append({ actor: caller.user.email, action: 'draft.template.replace', detail: kind });
    ctx.redirect(`/modeles?modele=${kind}&fait=remplace`);
  });

  router.post('/:kind/reinitialiser', async (ctx) => {
    const caller = requirePermission(ctx, 'admin.view');
    const kind = kindOf(ctx);
    if (await templates.reset(kind))
      await appliance.audit.append({ actor: caller.user.email, action: 'draft.template.reset', detail: kind });
    ctx.redirect(`/modeles?modele=${kind}&fait=reinitialise`);
  });

  pages.use(router.routes());

  const cases = new Router({ prefix: '/dossiers' });
  cases.post('/:id/brouillons/:kind', async (ctx) => {
    const caller = requirePermission(ctx, 'documents.write');
    const kind = kindOf(ctx);
    const caseId = ctx.params.id ?? '';
    const doc = await generateDraft(draftDepsOf(appliance, templates), caseId, kind, actorOf(caller));
    ctx.redirect(`/dossiers/${caseId}?brouillon=${doc.id}#drafts-title`);
  });
  pages.use(cases.routes());
}
