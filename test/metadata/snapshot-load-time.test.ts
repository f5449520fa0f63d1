/**
 * The time to load a metadata snapshot of 100,000 records, printed (speed targets live in
 * `npm run bench -- snapshot`, src/bench/snapshot.bench.ts; this only checks it works at that size
 * and shows the figure).
 */
import { describe, expect, it } from 'vitest';
import { measureSnapshotLoad } from '../../src/bench/snapshot.bench.js';

describe('snapshot load time', () => {
  it('loads a snapshot of 100,000 records', async () => {
    const f = await measureSnapshotLoad(100_000);
    console.log(
      `snapshot of ${f.records} records (${(f.snapshotBytes / 1024 / 1024).toFixed(1)} MiB): written in ${f.writeMs.toFixed(0)} ms, ` +
        `loaded in ${f.loadMs.toFixed(0)} ms; replaying the same records from the log: ${f.logReplayMs.toFixed(0)} ms`,
    );
    expect(f.records).toBe(100_000);
  }, 120_000);
});
