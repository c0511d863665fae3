/**
 * The templates the drafts are written from: the ones shipped with the product
 * (appliance/templates/drafts/<kind>.docx, built by appliance/scripts/buildDraftTemplates.ts) and
 * the cabinet's replacements, kept under DATA_DIR/draft-templates/<kind>.docx (written durably, so
 * a crash never leaves half a template, and inside the data directory, so backups carry them).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeFileDurable, writeFileDurable } from '@iamanager/kernel/storage';
import { DRAFT_KINDS, type DraftKind } from './draftKinds.js';
import { checkTemplate } from './renderDraft.js';

/** From src/ or dist/ alike: domain/drafting → the package's templates folder. */
export const SHIPPED_TEMPLATES_DIR = fileURLToPath(new URL('../../../templates/drafts/', import.meta.url));

export interface TemplateState {
  kind: DraftKind;
  /** When the cabinet's replacement was written; null: the shipped template is used. */
  replacedAt: string | null;
}

export class DraftTemplates {
  private readonly dir: string;

  constructor(
    dataDir: string,
    private readonly shippedDir: string = SHIPPED_TEMPLATES_DIR,
  ) {
    this.dir = path.join(dataDir, 'draft-templates');
  }

  private cabinetPath(kind: DraftKind): string {
    return path.join(this.dir, `${kind}.docx`);
  }

  shippedPath(kind: DraftKind): string {
    return path.join(this.shippedDir, `${kind}.docx`);
  }

  /** The template in use: the cabinet's replacement if there is one, else the shipped one. */
  async read(kind: DraftKind): Promise<Buffer> {
    try {
      return await fs.readFile(this.cabinetPath(kind));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return fs.readFile(this.shippedPath(kind));
  }

  async states(): Promise<TemplateState[]> {
    return Promise.all(
      DRAFT_KINDS.map(async (kind) => {
        const stat = await fs.stat(this.cabinetPath(kind)).catch(() => null);
        return { kind, replacedAt: stat ? stat.mtime.toISOString() : null };
      }),
    );
  }

  /** Checks the file (checkTemplate: throws naming the fault) and keeps it as the cabinet's template. */
  async replace(kind: DraftKind, content: Buffer): Promise<void> {
    checkTemplate(content);
    await fs.mkdir(this.dir, { recursive: true, mode: 0o750 });
    await writeFileDurable(this.cabinetPath(kind), content, { keepBackup: false });
  }

  /** Back to the shipped template; true when there was a replacement to remove. */
  async reset(kind: DraftKind): Promise<boolean> {
    const existed = await fs.stat(this.cabinetPath(kind)).then(
      () => true,
      () => false,
    );
    if (existed) await removeFileDurable(this.cabinetPath(kind));
    return existed;
  }
}
