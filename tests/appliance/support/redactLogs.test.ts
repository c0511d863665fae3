/**
 * The support bundle's log filter is an allow-list: only known-safe fields of a JSON line are
 * copied, and a line whose kept text names an identifier, a path or an email is dropped whole and
 * counted — never patched up.
 */
import { describe, expect, it } from 'vitest';
import { redactLogLines } from '../../../appliance/src/domain/support/redactLogs.js';
import { LogRing } from '../../../appliance/src/domain/support/logRing.js';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: '2026-12-05T10:00:00.000Z', service: 'appliance', ...fields });

describe('redactLogLines', () => {
  it('copies the safe fields of a line and counts the others removed', () => {
    const out = redactLogLines([line({ msg: 'heartbeat delivered', seq: 4, client: { lastName: 'Dupontmarq' }, url: '/cases' })]);
    expect(out).toMatchObject({ kept: 1, dropped: 0, fieldsRemoved: 2 });
    expect(JSON.parse(out.lines[0]!)).toEqual({
      level: 30,
      time: '2026-12-05T10:00:00.000Z',
      service: 'appliance',
      msg: 'heartbeat delivered',
      seq: 4,
    });
    expect(out.lines.join('')).not.toContain('Dupontmarq');
  });

  it('drops a line whose kept text holds a UUID, a path or an email, and a line that is not a JSON object', () => {
    const out = redactLogLines([
      line({ msg: 'case 3f2a1c9e-8b7d-4e6f-9a0b-1c2d3e4f5a6b read' }),
      line({ msg: 'stored documents/attestation-Zorro.pdf' }),
      line({ msg: 'mail to jean@cabinet.fr' }),
      'Error: plain text from a crash, maybe naming anything',
      '["an", "array"]',
      line({ msg: 'backup done' }),
    ]);
    expect(out).toMatchObject({ kept: 1, dropped: 5 });
    expect(JSON.parse(out.lines[0]!).msg).toBe('backup done');
  });
});

describe('LogRing', () => {
  it('keeps the last 2000 lines, split on newlines', () => {
    const ring = new LogRing();
    for (let i = 0; i < 2005; i++) ring.write(`${line({ seq: i })}\n`);
    const recent = ring.recent();
    expect(recent).toHaveLength(2000);
    expect(JSON.parse(recent[0]!).seq).toBe(5);
    expect(JSON.parse(recent.at(-1)!).seq).toBe(2004);
  });
});
