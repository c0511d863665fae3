/**
 * Analyses stored with their case: one document per case (DATA_DIR/analyses/<case id>.json) holding
 * every run — model, rules version, the facts used and the result. Appended, never rewritten in
 * place, so what a lawyer saw stays what was stored.
 */
import path from 'node:path';
import { z } from 'zod';
import { DocumentCollection } from '@iamanager/protocol/storage';
import type { Logger } from '@iamanager/protocol/log';
import type { AnalysisResult } from '../analysis/index.js';

export interface StoredAnalysis {
  id: string;
  caseId: string;
  createdAt: string;
  createdBy: string;
  model: AnalysisResult['model'];
  rulesVersion: string;
  facts: AnalysisResult['factsUsed'];
  /** Billed beyond the monthly quota. */
  overage: boolean;
  result: AnalysisResult;
}

const storedSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  model: z.enum(['ceseda-basic-v1', 'ceseda-pro-v1', 'ceseda-enterprise-v1']),
  rulesVersion: z.string(),
  facts: z.record(z.string(), z.unknown()),
  overage: z.boolean(),
  result: z.looseObject({ model: z.string(), rulesVersion: z.string(), deadlines: z.array(z.unknown()) }),
});
const fileSchema = z.object({ caseId: z.string(), analyses: z.array(storedSchema) });
type CaseAnalysesFile = { caseId: string; analyses: StoredAnalysis[] };

export class AnalysisStore {
  private constructor(private readonly docs: DocumentCollection<CaseAnalysesFile>) {}

  static async open(dataDir: string, log: Logger): Promise<AnalysisStore> {
    // The schema checks the envelope; the result's inner shape is the analysis library's.
    const docs = await DocumentCollection.open<CaseAnalysesFile>(path.join(dataDir, 'analyses'), { schema: fileSchema as unknown as z.ZodType<CaseAnalysesFile>, log });
    return new AnalysisStore(docs);
  }

  /** Every stored analysis of a case, oldest first. */
  list(caseId: string): StoredAnalysis[] {
    return this.docs.get(caseId)?.data.analyses ?? [];
  }

  /** Appends one analysis; resolves once it is durable. */
  async append(analysis: StoredAnalysis): Promise<void> {
    let doc = this.docs.get(analysis.caseId);
    if (!doc) doc = await this.docs.create(analysis.caseId, { caseId: analysis.caseId, analyses: [] });
    doc.data.analyses.push(analysis);
    await doc.write();
  }

  async flushed(): Promise<void> {
    await this.docs.flushed();
  }
}
