/**
 * The appliance store over today's files (DATA_DIR/appliances, one JSON file each), through the
 * registry that already keeps them (domain/appliances.ts): the seam's embedded side changes nothing
 * on disk. Declared structurally so that storage/ does not import the domain.
 */
import type { ApplianceRecord } from '../records.js';
import type { ApplianceStore } from '../stores.js';

export interface FileApplianceRegistry {
  find(id: string): ApplianceRecord | undefined;
  list(): ApplianceRecord[];
  create(record: ApplianceRecord): Promise<void>;
  revoke(id: string, now: Date): Promise<void>;
  update(id: string, change: (record: ApplianceRecord) => void): Promise<ApplianceRecord>;
}

export class EmbeddedApplianceStore implements ApplianceStore {
  constructor(private readonly files: FileApplianceRegistry) {}

  // Copies: a caller changing what it read must not change the registry's state behind its back,
  // as it could not with PostgreSQL.
  get(id: string): Promise<ApplianceRecord | undefined> {
    const record = this.files.find(id);
    return Promise.resolve(record && structuredClone(record));
  }

  // By id, as PostgreSQL lists them (the files come in the order they were read or created). The
  // registry's own records, not copies (see ApplianceStore.list): copying 10 000 of them (10 KiB
  // each, mostly history rings) took 6–8 s per fleet page on the 2-CPU machine, against nothing.
  list(): Promise<ApplianceRecord[]> {
    return Promise.resolve(this.files.list().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  }

  create(record: ApplianceRecord): Promise<void> {
    return this.files.create(structuredClone(record));
  }

  revoke(id: string, now: Date): Promise<void> {
    return this.files.revoke(id, now);
  }

  // The registry changes its one record per appliance (the heartbeat journal's too): see its update.
  async update(id: string, change: (appliance: ApplianceRecord) => void): Promise<ApplianceRecord> {
    return structuredClone(await this.files.update(id, change));
  }
}
