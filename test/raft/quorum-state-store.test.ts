/**
 * The quorum-state file: Kafka's JSON, written atomically so a crash mid-write keeps the old
 * state, and read back exactly (a lost vote would let a voter vote twice in one epoch).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FileQuorumStateStore, quorumStateFromJson, quorumStateToJson } from '../../src/engine/raft/index.js';

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-raft-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('quorum-state file', () => {
  test("round trip in Kafka's version 0 JSON, nothing left behind", () => {
    const dir = tmpDir();
    const file = path.join(dir, 'quorum-state');
    const store = new FileQuorumStateStore(file, [1, 2, 3]);
    expect(store.read()).toBeUndefined();
    store.write({ epoch: 5, leaderId: 2, votedId: 3 });
    expect(store.read()).toEqual({ epoch: 5, leaderId: 2, votedId: 3 });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
      clusterId: '',
      leaderId: 2,
      leaderEpoch: 5,
      votedId: 3,
      appliedOffset: 0,
      currentVoters: [{ voterId: 1 }, { voterId: 2 }, { voterId: 3 }],
      data_version: 0,
    });
    store.write({ epoch: 6, leaderId: -1, votedId: 1 });
    expect(new FileQuorumStateStore(file).read()).toEqual({ epoch: 6, leaderId: -1, votedId: 1 });
    expect(fs.readdirSync(dir)).toEqual(['quorum-state']);
  });

  test("reads Kafka's version 1 files (KIP-853) and the defaults of absent fields", () => {
    expect(quorumStateFromJson('{"leaderId":1,"leaderEpoch":7,"votedId":-1,"votedDirectoryId":"AAAAAAAAAAAAAAAAAAAAAA","data_version":1}')).toEqual({ epoch: 7, leaderId: 1, votedId: -1 });
    expect(quorumStateFromJson('{"leaderEpoch":3,"data_version":1}')).toEqual({ epoch: 3, leaderId: -1, votedId: -1 });
    expect(JSON.parse(quorumStateToJson({ epoch: 2, leaderId: -1, votedId: 4 }, null, 1))).toMatchObject({ leaderEpoch: 2, votedId: 4, data_version: 1 });
  });

  test('a crash while writing leaves the previous state readable', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'quorum-state');
    const store = new FileQuorumStateStore(file, [1, 2, 3]);
    store.write({ epoch: 4, leaderId: -1, votedId: 2 });
    // A crash after the temporary file was partly written, before the rename.
    fs.writeFileSync(`${file}.tmp`, '{"clusterId":"","leaderId":-1,"leaderEp');
    expect(new FileQuorumStateStore(file).read()).toEqual({ epoch: 4, leaderId: -1, votedId: 2 });
    // The next write replaces the stale temporary file.
    store.write({ epoch: 5, leaderId: 3, votedId: -1 });
    expect(store.read()).toEqual({ epoch: 5, leaderId: 3, votedId: -1 });
    expect(fs.readdirSync(dir)).toEqual(['quorum-state']);
  });

  test('a malformed file is refused with its name, never read as "no vote"', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'quorum-state');
    for (const text of ['', '[]', '{"leaderEpoch":1}', '{"leaderEpoch":"1","data_version":0}', '{"leaderEpoch":1,"data_version":9}']) {
      fs.writeFileSync(file, text);
      expect(() => new FileQuorumStateStore(file).read(), text).toThrow(file);
    }
  });
});

