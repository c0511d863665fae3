/**
 * The shipped templates (appliance/templates/drafts/*.docx) are what
 * appliance/scripts/buildDraftTemplates.mjs writes: a text changed in the script but not rebuilt
 * and committed fails here. The Word parts are compared, not the archive's bytes: the docx library
 * stamps each build with its time (docProps/core.xml and the zip's dates).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import PizZip from 'pizzip';
import { describe, expect, it } from 'vitest';
import { DRAFT_KINDS } from '../../../appliance/src/domain/drafting/draftKinds.js';
import { SHIPPED_TEMPLATES_DIR } from '../../../appliance/src/domain/drafting/draftTemplates.js';
// @ts-expect-error -- a plain ES module script without type declarations
import { buildDraftTemplates } from '../../../appliance/scripts/buildDraftTemplates.mjs';

const WORD_PARTS = ['word/document.xml', 'word/styles.xml', 'word/numbering.xml', '[Content_Types].xml'];
const partsOf = (content: Buffer) => {
  const zip = new PizZip(content);
  return Object.fromEntries(WORD_PARTS.map((p) => [p, zip.file(p)?.asText() ?? null]));
};

describe('the shipped draft templates', () => {
  it('are one per draft kind, and what the script writes', async () => {
    const built = (await buildDraftTemplates()) as Record<string, Buffer>;
    expect(Object.keys(built).sort()).toEqual([...DRAFT_KINDS].sort());
    const shipped = (await fs.readdir(SHIPPED_TEMPLATES_DIR)).filter((f) => f.endsWith('.docx')).sort();
    expect(shipped).toEqual(DRAFT_KINDS.map((k) => `${k}.docx`).sort());
    for (const kind of DRAFT_KINDS) {
      const committed = await fs.readFile(path.join(SHIPPED_TEMPLATES_DIR, `${kind}.docx`));
      expect(partsOf(committed), `${kind}.docx: run node appliance/scripts/buildDraftTemplates.mjs and commit`).toEqual(
        partsOf(built[kind]!),
      );
    }
  });
});
