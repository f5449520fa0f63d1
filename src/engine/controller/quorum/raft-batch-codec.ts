/**
 * A Raft batch on disk and on the wire is a Kafka record batch, as in Kafka's KRaft: the batch's
 * partitionLeaderEpoch is the Raft epoch that wrote it, each record's value one metadata record
 * (metadata-serde's frame), and a new leader's first batch a control batch holding one
 * LeaderChangeMessage (ControlRecordType 2). So `kt dump-log` reads `__cluster_metadata` as before
 * and a Fetch response carries the leader's bytes unchanged.
 *
 *   LeaderChange control record:
 *     key:    version int16 (0), type int16 (2)
 *     value:  LeaderChangeMessage v0, flexible (message/LeaderChangeMessage.json):
 *             version int16, leaderId int32, voters [voterId int32], grantingVoters [voterId int32]
 */
import { decodeBuffer, encodeToBuffer } from '../../protocol/codec.js';
import type { MessageSpec } from '../../protocol/schema.js';
import type { LeaderChangeMessage, RaftBatch } from '../../raft/index.js';
import { isControl } from '../../records/batch-header.js';
import { ControlRecordType } from '../../records/control.js';
import { buildBatch, decodeBatches } from '../../records/record-batch.js';

const LeaderChangeRecord = {
  name: 'LeaderChangeMessage',
  type: 'data',
  validVersions: '0',
  flexibleVersions: '0+',
  fields: [
    { name: 'version', type: 'int16', versions: '0+' },
    { name: 'leaderId', type: 'int32', versions: '0+' },
    { name: 'voters', type: '[]Voter', versions: '0+', fields: [{ name: 'voterId', type: 'int32', versions: '0+' }] },
    { name: 'grantingVoters', type: '[]Voter', versions: '0+', fields: [{ name: 'voterId', type: 'int32', versions: '0+' }] },
  ],
} as const satisfies MessageSpec;

function leaderChangeKey(): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(ControlRecordType.LeaderChange, 2);
  return key;
}

/** One Raft batch as one Kafka record batch at its own base offset. */
export function encodeRaftBatch(batch: RaftBatch, timestamp = Date.now()): Buffer {
  if (batch.leaderChange) {
    const value = encodeToBuffer(LeaderChangeRecord, 0, batch.leaderChange);
    return buildBatch({ baseOffset: batch.baseOffset, partitionLeaderEpoch: batch.epoch, isControl: true, records: [{ key: leaderChangeKey(), value, timestamp }] });
  }
  return buildBatch({
    baseOffset: batch.baseOffset,
    partitionLeaderEpoch: batch.epoch,
    records: batch.records.map((r) => ({ key: null, value: Buffer.from(r.buffer, r.byteOffset, r.byteLength), timestamp })),
  });
}

export function encodeRaftBatches(batches: readonly RaftBatch[]): Buffer {
  return Buffer.concat(batches.map((b) => encodeRaftBatch(b)));
}

/**
 * Record batches back into Raft batches. Control batches other than LeaderChange (snapshot
 * markers, which never sit in the log) keep their offsets as empty records so offsets stay dense.
 */
export function decodeRaftBatches(bytes: Buffer): RaftBatch[] {
  if (bytes.length === 0) return [];
  return decodeBatches(bytes).map(({ header, records }) => {
    const count = header.lastOffsetDelta + 1;
    if (isControl(header.attributes)) {
      const first = records[0];
      const type = first?.key && first.key.length >= 4 ? first.key.readInt16BE(2) : -1;
      const batch: RaftBatch = { baseOffset: header.baseOffset, epoch: header.partitionLeaderEpoch, records: Array.from({ length: count }, () => new Uint8Array(0)) };
      if (type === ControlRecordType.LeaderChange && first?.value) {
        const m = decodeBuffer(LeaderChangeRecord, 0, first.value);
        batch.leaderChange = { version: m.version, leaderId: m.leaderId, voters: m.voters.map((v) => ({ voterId: v.voterId })), grantingVoters: m.grantingVoters.map((v) => ({ voterId: v.voterId })) };
      }
      return batch;
    }
    if (records.length !== count) throw new Error(`metadata batch at ${header.baseOffset} holds ${records.length} records for ${count} offsets`);
    return { baseOffset: header.baseOffset, epoch: header.partitionLeaderEpoch, records: records.map((r) => r.value ?? new Uint8Array(0)) };
  });
}
