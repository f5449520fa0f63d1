/**
 * The pieces that put the Raft client on kt's storage and wire, without processes: the Raft log
 * over a PartitionLog of __cluster_metadata-0 (durable appends, epochs from the leader-epoch cache,
 * truncation by whole batches, a reopen keeps everything), LeaderChange control batches, the
 * Fetch / Vote adapters round-tripping through kt's codec, and a one-voter Raft client committing
 * on it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PartitionRaftLog } from '../../src/engine/controller/quorum/partition-raft-log.js';
import { decodeRaftBatches, encodeRaftBatches } from '../../src/engine/controller/quorum/raft-batch-codec.js';
import { requestToWire, responseFromWire } from '../../src/engine/controller/quorum/raft-wire.js';
import { fetchRequestFromWire, fetchResponseToWire } from '../../src/engine/controller/quorum/raft-wire-fetch.js';
import { voteRequestFromWire, voteResponseToWire } from '../../src/engine/controller/quorum/raft-wire-election.js';
import { parseVoters } from '../../src/engine/controller/quorum/quorum-config.js';
import { PartitionLog } from '../../src/engine/log/partition-log.js';
import { parseLogConfig } from '../../src/engine/log/log-config.js';
import { codecFor } from '../../src/engine/protocol/codec.js';
import { apiByKey } from '../../src/engine/protocol/messages/index.js';
import { Reader, Writer } from '../../src/engine/protocol/primitives.js';
import { FileQuorumStateStore, MemorySnapshotStore, RaftClient, type RaftBatch } from '../../src/engine/raft/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function openLog(dir?: string): { dir: string; partition: PartitionLog } {
  const d = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kt-raft-log-'));
  if (!dir) dirs.push(d);
  const partition = PartitionLog.open(path.join(d, '__cluster_metadata-0'), { topic: '__cluster_metadata', partition: 0, config: parseLogConfig({ 'retention.ms': '-1' }) });
  return { dir: d, partition };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const batch = (baseOffset: number, epoch: number, ...values: string[]): RaftBatch => ({ baseOffset, epoch, records: values.map(bytes) });

/** Encode with kt's codec and decode again, as the wire would. */
function viaWire(apiKey: number, version: number, kind: 'request' | 'response', body: Record<string, unknown>): Record<string, unknown> {
  const spec = kind === 'request' ? apiByKey(apiKey)!.request : apiByKey(apiKey)!.response;
  const w = new Writer();
  codecFor(spec, version).write(w, body);
  return codecFor(spec, version).read(new Reader(Buffer.concat(w.chunksOut())));
}

describe('PartitionRaftLog', () => {
  test('appends durably, reads whole batches, answers epochs and truncates by batch', () => {
    const { dir, partition } = openLog();
    const log = new PartitionRaftLog(partition);
    expect([log.startOffset(), log.endOffset(), log.lastEpoch()]).toEqual([0, 0, 0]);
    log.append({ baseOffset: 0, epoch: 1, records: [new Uint8Array(0)], leaderChange: { version: 0, leaderId: 1, voters: [{ voterId: 1 }, { voterId: 2 }], grantingVoters: [{ voterId: 1 }] } });
    log.append(batch(1, 1, 'a', 'b'));
    log.append(batch(3, 3, 'c'));
    log.append(batch(4, 3, 'd', 'e', 'f'));
    expect([log.endOffset(), log.lastEpoch()]).toEqual([7, 3]);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 3 });
    expect(log.endOffsetForEpoch(2)).toEqual({ epoch: 1, endOffset: 3 });
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 7 });
    expect(log.endOffsetForEpoch(0)).toEqual({ epoch: 0, endOffset: 0 });
    const read = log.read(0, 3);
    expect(read.map((b) => b.baseOffset)).toEqual([0, 1]); // at most 3 records, whole batches
    expect(read[0]!.leaderChange).toEqual({ version: 0, leaderId: 1, voters: [{ voterId: 1 }, { voterId: 2 }], grantingVoters: [{ voterId: 1 }] });
    expect(new TextDecoder().decode(read[1]!.records[1])).toBe('b');
    // Truncating inside a batch drops the whole batch, as Kafka's log does.
    expect(log.truncateTo(5)).toBe(4);
    expect(log.endOffsetForEpoch(3)).toEqual({ epoch: 3, endOffset: 4 });
    partition.close();
    // Reopened: the same batches and epochs.
    const again = new PartitionRaftLog(openLog(dir).partition);
    expect([again.endOffset(), again.lastEpoch()]).toEqual([4, 3]);
    expect(again.read(3, 100).map((b) => [b.baseOffset, b.epoch, b.records.length])).toEqual([[3, 3, 1]]);
  });

  test('a one-voter Raft client elects itself, commits appends, and keeps its vote in quorum-state', () => {
    const { dir, partition } = openLog();
    const committed: number[] = [];
    const client = new RaftClient({
      nodeId: 1,
      voters: [1],
      log: new PartitionRaftLog(partition),
      quorumStateStore: new FileQuorumStateStore(path.join(dir, '__cluster_metadata-0', 'quorum-state'), [1]),
      snapshotStore: new MemorySnapshotStore(),
      transport: { send: () => undefined },
      listener: { onCommit: (batches) => batches.forEach((b) => committed.push(b.baseOffset)) },
    });
    client.start(0);
    client.tick(client.nextDeadlineMs());
    expect(client.isLeader).toBe(true);
    const result = client.append([bytes('x'), bytes('y')], 5000);
    expect(result).toMatchObject({ ok: true, baseOffset: 1, lastOffset: 2 });
    expect(committed).toEqual([0, 1]);
    const state = JSON.parse(fs.readFileSync(path.join(dir, '__cluster_metadata-0', 'quorum-state'), 'utf8'));
    expect(state).toMatchObject({ leaderId: 1, leaderEpoch: client.epoch, votedId: 1, data_version: 0, currentVoters: [{ voterId: 1 }] });
  });
});

describe('KRaft messages on kt wire', () => {
  test('batches survive the record-batch encoding', () => {
    const batches = [batch(10, 4, 'p', 'q'), { baseOffset: 12, epoch: 5, records: [new Uint8Array(0)], leaderChange: { version: 0, leaderId: 2, voters: [{ voterId: 2 }], grantingVoters: [] } }];
    const plain = (bs: RaftBatch[]) => bs.map((b) => ({ ...b, records: b.records.map((r) => Buffer.from(r).toString()) }));
    expect(plain(decodeRaftBatches(encodeRaftBatches(batches)))).toEqual(plain(batches));
  });

  test('Vote v2 carries the pre-vote flag; the response keeps the leader', () => {
    const wire = requestToWire({ kind: 'VoteRequest', clusterId: 'c', voterId: 2, candidateEpoch: 7, candidateId: 3, lastOffsetEpoch: 6, lastOffset: 42, preVote: true });
    expect([wire.apiKey, wire.version]).toEqual([52, 2]);
    const decoded = voteRequestFromWire(viaWire(52, 2, 'request', wire.body), 2);
    expect(decoded).toEqual({ kind: 'VoteRequest', clusterId: 'c', voterId: 2, candidateEpoch: 7, candidateId: 3, lastOffsetEpoch: 6, lastOffset: 42, preVote: true });
    const response = viaWire(52, 2, 'response', voteResponseToWire({ kind: 'VoteResponse', errorCode: 0, leaderId: 1, leaderEpoch: 7, voteGranted: false }));
    expect(responseFromWire('VoteRequest', response)).toEqual({ kind: 'VoteResponse', errorCode: 0, leaderId: 1, leaderEpoch: 7, voteGranted: false });
  });

  test('Fetch v12 round-trips the Raft fields, diverging epoch and records', () => {
    const wire = requestToWire({ kind: 'FetchRequest', clusterId: 'c', replicaId: 3, maxWaitMs: 500, currentLeaderEpoch: 4, fetchOffset: 9, lastFetchedEpoch: 3, logStartOffset: 0, highWatermark: 5 });
    const req = fetchRequestFromWire(viaWire(1, 12, 'request', wire.body), 12);
    expect(req).toEqual({ kind: 'FetchRequest', clusterId: 'c', replicaId: 3, maxWaitMs: 500, currentLeaderEpoch: 4, fetchOffset: 9, lastFetchedEpoch: 3, logStartOffset: 0, highWatermark: Number.MAX_SAFE_INTEGER });
    const records = [batch(9, 4, 'r')];
    const body = viaWire(1, 12, 'response', fetchResponseToWire({ kind: 'FetchResponse', errorCode: 0, highWatermark: 8, logStartOffset: 0, divergingEpoch: { epoch: 3, endOffset: 7 }, currentLeader: { leaderId: 1, leaderEpoch: 4 }, records }, 12));
    const res = responseFromWire('FetchRequest', body);
    expect(res).toMatchObject({ kind: 'FetchResponse', errorCode: 0, highWatermark: 8, divergingEpoch: { epoch: 3, endOffset: 7 }, currentLeader: { leaderId: 1, leaderEpoch: 4 } });
    expect(res.kind === 'FetchResponse' && res.records.map((b) => [b.baseOffset, b.epoch])).toEqual([[9, 4]]);
    expect(res.kind === 'FetchResponse' && res.snapshotId).toBeUndefined();
  });

  test('controller.quorum.voters parses as Kafka writes it', () => {
    expect(parseVoters(['1@localhost:9093', '2@[::1]:9094'])).toEqual([{ id: 1, host: 'localhost', port: 9093 }, { id: 2, host: '::1', port: 9094 }]);
    expect(() => parseVoters(['1@localhost'])).toThrow(/id@host:port/);
    expect(() => parseVoters(['1@a:1', '1@b:2'])).toThrow(/twice/);
  });
});
