/**
 * The vendor's own plans in DATA_DIR/plans.json (`{ custom: [...] }`), the file and format the
 * catalog has always written: an existing DATA_DIR opens unchanged. One process holds DATA_DIR's
 * lock, so the document in memory is the truth and a read needs no trip to the disk.
 */
import path from 'node:path';
import { openDocument, type Document } from '@iamanager/kernel/storage';
import type { Logger } from '@iamanager/kernel/log';
import { ControlPlaneError } from '../../errors.js';
import { planCatalogSchema, planRecordSchema, type PlanCatalogFile, type PlanRecord } from '../records.js';
import type { PlanStore } from '../stores.js';

export class EmbeddedPlanStore implements PlanStore {
  private constructor(private readonly doc: Document<PlanCatalogFile>) {}

  static async open(dataDir: string, log: Logger): Promise<EmbeddedPlanStore> {
    const doc = await openDocument<PlanCatalogFile>(path.join(dataDir, 'plans.json'), { custom: [] }, { schema: planCatalogSchema, log });
    return new EmbeddedPlanStore(doc);
  }

  // Copies, as PostgreSQL hands out: a caller changing what it read cannot change the file's state.
  list(): Promise<PlanRecord[]> {
    return Promise.resolve(this.doc.data.custom.map((p) => structuredClone(p)));
  }

  get(id: string): Promise<PlanRecord | undefined> {
    const plan = this.doc.data.custom.find((p) => p.id === id);
    return Promise.resolve(plan && structuredClone(plan));
  }

  async create(plan: PlanRecord): Promise<void> {
    const valid = planRecordSchema.parse(plan);
    // Checked and pushed in one synchronous step: two creations in this process cannot both pass.
    if (this.doc.data.custom.some((p) => p.id === valid.id))
      throw new ControlPlaneError('already_exists', `plan "${valid.id}" already exists: choose another id`, { id: valid.id });
    this.doc.data.custom.push(valid);
    // A failed write (full disk) puts the document back as the file holds it: the plan is not created.
    await this.doc.write();
  }
}
