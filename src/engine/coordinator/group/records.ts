/**
 * The records of the __consumer_offsets topic, as Kafka writes them: the key is an int16 record type
 * (the key version) and the key struct, the value an int16 value version and the value struct, and a
 * null value is a tombstone. kt writes offset commits as value v3 (v1 when the commit carries an
 * expire timestamp) and classic group metadata as value v3, as Kafka 3.x/4.x do; it reads every version.
 */
import { codecFor, type Message } from '../../protocol/codec.js';
import { groupRecordByKeyVersion } from '../../protocol/group-records/index.js';
import { GroupMetadataKey, GroupMetadataValue } from '../../protocol/group-records/group-metadata.js';
import { OffsetCommitKey, OffsetCommitValue } from '../../protocol/group-records/offset-commit.js';
import { Reader, Writer } from '../../protocol/primitives.js';
import { type MessageSpec, parseVersionRange } from '../../protocol/schema.js';
import type { ClassicGroup } from './classic-group.js';
import { EMPTY_BYTES } from './classic-member.js';
import type { OffsetValue } from './offset-store.js';

export interface CoordinatorRecord {
  key: Buffer;
  /** null: a tombstone. */
  value: Buffer | null;
}

export const OFFSET_COMMIT_KEY_VERSION = 1;
export const GROUP_METADATA_KEY_VERSION = 2;

function versioned(spec: MessageSpec, version: number, value: Message): Buffer {
  const w = new Writer();
  w.int16(version);
  codecFor(spec, version).write(w, value);
  return w.toBuffer();
}

/** A record of any declared type: key and value specs with the versions to write. */
export function coordinatorRecord(keySpec: MessageSpec, keyVersion: number, key: Message, valueSpec: MessageSpec, valueVersion: number, value: Message | null): CoordinatorRecord {
  return { key: versioned(keySpec, keyVersion, key), value: value === null ? null : versioned(valueSpec, valueVersion, value) };
}

export function offsetCommitRecord(groupId: string, topic: string, partition: number, committed: OffsetValue | null): CoordinatorRecord {
  const key = { group: groupId, topic, partition };
  if (committed === null) return coordinatorRecord(OffsetCommitKey, OFFSET_COMMIT_KEY_VERSION, key, OffsetCommitValue, 3, null);
  const version = committed.expireTimestamp !== null ? 1 : 3;
  return coordinatorRecord(OffsetCommitKey, OFFSET_COMMIT_KEY_VERSION, key, OffsetCommitValue, version, {
    offset: committed.offset,
    leaderEpoch: committed.leaderEpoch,
    metadata: committed.metadata,
    commitTimestamp: committed.commitTimestamp,
    expireTimestamp: committed.expireTimestamp ?? -1,
  });
}

/** The group as it stands, with `assignment` for each member (members missing from it get none). */
export function groupMetadataRecord(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): CoordinatorRecord {
  return coordinatorRecord(GroupMetadataKey, GROUP_METADATA_KEY_VERSION, { group: group.groupId }, GroupMetadataValue, 3, {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestamp,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: group.protocolName !== null ? m.metadataFor(group.protocolName) : EMPTY_BYTES,
      assignment: assignment.get(m.memberId) ?? EMPTY_BYTES,
    })),
  });
}

export function groupMetadataTombstone(groupId: string): CoordinatorRecord {
  return coordinatorRecord(GroupMetadataKey, GROUP_METADATA_KEY_VERSION, { group: groupId }, GroupMetadataValue, 3, null);
}

export type ParsedRecord =
  | { kind: 'offset'; groupId: string; topic: string; partition: number; value: OffsetValue | null }
  | { kind: 'group'; groupId: string; value: Message | null }
  | { kind: 'consumer-group'; keyVersion: number; key: Message; value: Message | null }
  | { kind: 'unknown'; keyVersion: number };

function readVersioned(spec: MessageSpec, buf: Buffer): Message {
  const r = new Reader(buf);
  const version = r.int16();
  const { min, max } = parseVersionRange(spec.validVersions);
  // Later value versions only add tagged fields (KIP-915): read them as the newest kt knows.
  return codecFor(spec, Math.min(Math.max(version, min), max)).read(r);
}

export function parseRecord(key: Buffer, value: Buffer | null): ParsedRecord {
  const keyVersion = key.readInt16BE(0);
  const decl = groupRecordByKeyVersion(keyVersion);
  if (!decl) return { kind: 'unknown', keyVersion };
  const k = codecFor(decl.key, keyVersion).read(new Reader(key.subarray(2)));
  const v = value === null ? null : readVersioned(decl.value, value);
  if (keyVersion <= 1) {
    return {
      kind: 'offset',
      groupId: k.group,
      topic: k.topic,
      partition: k.partition,
      value:
        v === null
          ? null
          : {
              offset: v.offset,
              leaderEpoch: v.leaderEpoch,
              metadata: v.metadata ?? '',
              commitTimestamp: v.commitTimestamp,
              expireTimestamp: v.expireTimestamp >= 0 ? v.expireTimestamp : null,
            },
    };
  }
  if (keyVersion === GROUP_METADATA_KEY_VERSION) return { kind: 'group', groupId: k.group, value: v };
  return { kind: 'consumer-group', keyVersion, key: k, value: v };
}
