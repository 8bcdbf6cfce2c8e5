/**
 * The index a workspace lays over the loaded records after each edit (domain/records.ts OverlayIndex over a
 * ChangeLog) answers every lookup as a full index of the same records would: the loaded records without the changed
 * files, then the changed ones, each at its version when the index was made — also an index kept across later edits.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { ChangeLog, OverlayIndex, RecordIndex, type RecordEntry } from '../src/domain/records.js';
import { loadRepository } from '../src/store/repo.js';
import type { Kind } from '../src/domain/kinds.js';

function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const FIELDS: [Kind, string][] = [['task', 'project'], ['report', 'subject'], ['member', 'organisation'], ['project', 'stage'], ['organisation', 'parent']];

describe('OverlayIndex', () => {
  it('answers as a full index at every third snapshot of 200 random edits', () => {
    const repo = loadRepository(path.join(ROOT, 'examples', 'huishan-2020'));
    const base = RecordIndex.of(repo);
    expect(base.uniqueIds).toBe(true);
    const rnd = random(3);
    const log = new ChangeLog();
    const pending = new Map<string, RecordEntry>();
    const snapshots: { overlay: OverlayIndex; full: RecordIndex }[] = [];
    const values = (kind: Kind, field: string) => [...new Set(repo.records.filter((r) => r.kind === kind).map((r) => (r.data as Record<string, unknown>)[field]))].filter((v): v is string => typeof v === 'string');
    for (let step = 0; step < 200; step++) {
      let entry: RecordEntry;
      if (rnd() < 0.7) {
        // An edit of a loaded or already changed record: a new stage, subject, project or parent taken from another record.
        const pool = rnd() < 0.5 && pending.size ? [...pending.values()] : repo.records;
        const r = pool[Math.floor(rnd() * pool.length)]!;
        const data = { ...(r.data as Record<string, unknown>) };
        for (const [kind, field] of FIELDS) if (r.kind === kind && rnd() < 0.5) data[field] = values(kind, field)[Math.floor(rnd() * values(kind, field).length)] ?? 'x';
        entry = { kind: r.kind, id: r.id, file: r.file, data, text: '' } as unknown as RecordEntry;
      } else {
        // A new record; now and then one whose id another record already has.
        const kind = FIELDS[Math.floor(rnd() * FIELDS.length)]![0];
        const id = rnd() < 0.1 ? repo.records[Math.floor(rnd() * repo.records.length)]!.id : `${kind.slice(0, 1)}-new-${step}`;
        const data: Record<string, unknown> = { id };
        for (const [k, field] of FIELDS) if (k === kind) data[field] = values(kind, field)[0] ?? 'x';
        entry = { kind, id, file: `records/${kind}s/new-${step}.yaml`, data, text: '' } as unknown as RecordEntry;
      }
      log.add(entry);
      pending.set(entry.file, entry);
      const records = [...repo.records.filter((r) => !pending.has(r.file)), ...pending.values()];
      snapshots.push({ overlay: new OverlayIndex(base, log), full: new RecordIndex({ ...repo, records }) });
    }
    // Every snapshot, after all the edits that followed it.
    for (const [n, { overlay, full }] of snapshots.entries()) {
      if (n % 3) continue;
      const ids = [...new Set([...full.repo.records.map((r) => r.id), 'nothing'])];
      for (const id of ids) expect(overlay.any(id), `snapshot ${n}, ${id}`).toBe(full.any(id));
      for (const kind of new Set(full.repo.records.map((r) => r.kind))) {
        expect(overlay.all(kind), `snapshot ${n}, all ${kind}`).toEqual(full.all(kind));
        for (const id of ids.slice(0, 40)) expect(overlay.get(kind, id)).toBe(full.get(kind, id));
      }
      for (const [kind, field] of FIELDS) for (const v of [...values(kind, field), 'x']) expect(overlay.where(kind, field, v), `snapshot ${n}, ${kind}.${field}=${v}`).toEqual(full.where(kind, field, v));
      expect(overlay.repo.records).toEqual(full.repo.records);
      expect([...overlay.byId.entries()]).toEqual([...full.byId.entries()]);
    }
  });
});
