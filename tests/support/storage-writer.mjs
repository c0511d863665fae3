// A writer process for the crash tests: it performs mixed durable writes as fast as it can and
// prints "ack <kind> <id>" on stdout only after each write has resolved (i.e. is durable).
// The test SIGKILLs it at random moments and then checks every acknowledged write survived.
import fs from 'node:fs';
import path from 'node:path';
import { DocumentCollection, Journal, openDocument } from '../../protocol/kernel/dist/storage/index.js';

const [dir, run] = process.argv.slice(2);
const docs = await DocumentCollection.open(path.join(dir, 'docs'));
const counter = await openDocument(path.join(dir, 'counter.json'), { values: [] });
const { journal } = await Journal.open(path.join(dir, 'journal'));

function ack(kind, id) {
  fs.writeSync(1, `ack ${kind} ${id}\n`); // synchronous: the line is out before the next write starts
}

async function worker(w) {
  for (let i = 0; ; i++) {
    const id = `r${run}-w${w}-${i}`;
    const op = i % 4;
    if (op === 0) {
      await docs.create(id, { id, pad: 'x'.repeat(200 + (i % 7) * 100) });
      ack('doc', id);
    } else if (op === 1) {
      const doc = docs.get(`r${run}-w${w}-${i - 1}`);
      doc.data.updated = id;
      await doc.write();
      ack('update', `r${run}-w${w}-${i - 1}=${id}`);
    } else if (op === 2) {
      counter.data.values.push(id);
      await counter.write();
      ack('counter', id);
    } else {
      await journal.append({ id });
      ack('journal', id);
    }
  }
}

fs.writeSync(1, 'ready\n');
await Promise.all([0, 1, 2, 3].map(worker));
