/**
 * Filling a .docx template with a draft's data (docxtemplater on a PizZip archive), and checking a
 * template before a cabinet's replacement is kept: a valid .docx, tags docxtemplater can compile,
 * and every tag one the data model knows (DRAFT_TAGS), so a typo is refused at upload, naming the
 * tag, rather than printed as « [à compléter] » in every letter afterwards.
 */
import Docxtemplater from 'docxtemplater';
import PizZip from 'pizzip';
import { ApplianceError } from '../../errors.js';
import { DRAFT_TAGS, TO_COMPLETE, type DraftModel } from './draftModel.js';

/** A template larger than this is not a letter: refused before it is unzipped. */
export const MAX_TEMPLATE_BYTES = 2 * 2 ** 20;

type Scope = Record<string, unknown>;

/**
 * `{client.nom}` walks the scope by its dots (docxtemplater's own parser reads the whole tag as
 * one name); `{.}` is the item itself. Undefined lets docxtemplater look in the enclosing scopes,
 * so a loop's paragraph may still use `{dossier.reference}`.
 */
function dottedParser(tag: string) {
  const parts = tag === '.' ? [] : tag.split('.').map((p) => p.trim());
  return {
    get(scope: unknown): unknown {
      let value: unknown = scope;
      for (const p of parts) {
        if (value === null || typeof value !== 'object') return undefined;
        value = (value as Scope)[p];
      }
      return value;
    },
  };
}

function compile(content: Buffer): Docxtemplater {
  let zip: PizZip;
  try {
    zip = new PizZip(content);
  } catch {
    throw new ApplianceError(
      'draft_template_invalid',
      'file: is not a .docx (not a zip archive); save the template from Word or LibreOffice as .docx',
      { reason: 'not_docx' },
    );
  }
  if (!zip.file('word/document.xml'))
    throw new ApplianceError(
      'draft_template_invalid',
      'file: is not a Word document (no word/document.xml); save it as .docx, not .odt or .doc',
      { reason: 'not_docx' },
    );
  try {
    return new Docxtemplater(zip, {
      paragraphLoop: true,
      linebreaks: true,
      // Faults are reported to the caller (the upload's refusal), not printed to the service's output.
      errorLogging: false,
      parser: dottedParser,
      // A missing value is where the lawyer writes; a missing section (`{#…}`) is simply left out.
      nullGetter: (part) => (part.module ? '' : TO_COMPLETE),
    });
  } catch (err) {
    throw new ApplianceError('draft_template_invalid', `file: the template's tags do not compile: ${templateErrors(err)}`, {
      reason: 'syntax',
      errors: templateErrors(err),
    });
  }
}

/** docxtemplater's errors as one line a secretary can act on (the tag and what is wrong with it). */
function templateErrors(err: unknown): string {
  const props = (err as { properties?: { errors?: unknown[]; explanation?: string } }).properties;
  const list = Array.isArray(props?.errors) ? props.errors : [err];
  return list
    .slice(0, 5)
    .map((e) => {
      const p = (e as { properties?: { explanation?: string; xtag?: string } }).properties;
      return p?.explanation ?? (e instanceof Error ? e.message : String(e));
    })
    .join(' ; ');
}

/** A compiled tag (docxtemplater's parsed template): a loop or condition holds its own parts. */
interface Part {
  type: string;
  value?: string;
  subparsed?: Part[];
}

/**
 * The tags of a compiled template that no scope knows: at top level the tags of DRAFT_TAGS; inside
 * a loop also its item's fields (a loop's paragraph may still use `{dossier.reference}`). A known
 * tag used as a condition (`{#client.adresse}…{/client.adresse}`) leaves the scopes as they are.
 * docxtemplater's InspectModule does this too but needs lodash, which it does not declare.
 */
function unknownTags(parts: readonly Part[], scopes: ReadonlyArray<ReadonlySet<string>>, out: Set<string>): void {
  for (const part of parts) {
    // The compiled template also holds the document's own text and XML (`content`, `tag` parts):
    // only placeholders — tags, loops, conditions — name data.
    if (part.type !== 'placeholder' || part.value === undefined) continue;
    const name = part.value.trim();
    const loop = DRAFT_TAGS[name];
    if (name !== '.' && !scopes.some((s) => s.has(name))) out.add(name);
    if (!part.subparsed) continue;
    unknownTags(
      part.subparsed,
      loop !== undefined && typeof loop === 'object' ? [new Set(Object.keys(loop.fields)), ...scopes] : scopes,
      out,
    );
  }
}

/** The tags a template may use, as the refusal lists them. */
export function knownTagList(): string {
  return Object.entries(DRAFT_TAGS)
    .map(([tag, t]) => (typeof t === 'string' ? `{${tag}}` : `{#${tag}}…{/${tag}} (${Object.keys(t.fields).join(', ')})`))
    .join(', ');
}

/** Throws `draft_template_invalid` naming the fault unless the file is a template the drafts can fill. */
export function checkTemplate(content: Buffer): void {
  if (content.length === 0) throw new ApplianceError('draft_template_invalid', 'file: is empty; choose the .docx template');
  if (content.length > MAX_TEMPLATE_BYTES)
    throw new ApplianceError(
      'payload_too_large',
      `file: larger than ${MAX_TEMPLATE_BYTES / 2 ** 20} MiB; remove the images from the template`,
      {
        limit: MAX_TEMPLATE_BYTES,
      },
    );
  const doc = compile(content);
  const out = new Set<string>();
  const compiled = (doc as unknown as { compiled: Record<string, { postparsed?: Part[] }> }).compiled;
  for (const file of Object.values(compiled)) unknownTags(file.postparsed ?? [], [new Set(Object.keys(DRAFT_TAGS))], out);
  if (out.size > 0) {
    const names = [...out].map((t) => `{${t}}`).join(', ');
    throw new ApplianceError(
      'draft_template_invalid',
      `file: unknown tag${out.size > 1 ? 's' : ''} ${names}; the tags a template may use are: ${knownTagList()}`,
      { unknownTags: [...out] },
    );
  }
}

/** The template filled with the case's data: the .docx bytes. */
export function renderDraft(template: Buffer, model: DraftModel): Buffer {
  const doc = compile(template);
  try {
    doc.render(model);
  } catch (err) {
    throw new ApplianceError(
      'draft_template_invalid',
      `the template could not be filled: ${templateErrors(err)}; replace it on the Modèles page`,
    );
  }
  return doc.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' });
}
