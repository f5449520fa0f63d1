/**
 * What the coordinator's operations share: the groups and offsets of the partitions this broker
 * coordinates, the timers, the config, and the one way to persist — `write`, which appends records
 * to the group's __consumer_offsets partition and returns a Kafka error code (NONE on success).
 * Operations change in-memory state only after their records were written.
 */
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { ClassicGroup } from './classic-group.js';
import type { GroupConfig } from './config.js';
import type { ConsumerGroup } from './consumer/consumer-group.js';
import type { OffsetStore } from './offset-store.js';
import type { TxnProducer, WriteResult } from './offsets-log.js';
import type { PendingOffsets } from './pending-offsets.js';
import type { CoordinatorRecord } from './records.js';
import type { CoordinatorTimer } from './timer.js';

export type Group = ClassicGroup | ConsumerGroup;

export interface CoordinatorContext {
  config: GroupConfig;
  timer: CoordinatorTimer;
  log: Logger;
  groups: Map<string, Group>;
  offsets: OffsetStore;
  /** Offsets of transactions still open, by producer. */
  pending: PendingOffsets;
  metadata(): MetadataImage;
  /** Append records to the partition that holds `groupId`; returns the raw append error code. */
  write(groupId: string, records: CoordinatorRecord[]): number;
  /** The same, telling where the records landed; with `txn`, as part of the producer's transaction. */
  append(groupId: string, records: CoordinatorRecord[], txn?: TxnProducer): WriteResult;
}

/** Timer keys are scoped by group so that dropping a group cancels all of its timers at once. */
export const groupTimerPrefix = (groupId: string): string => `${groupId}\u0000`;
export const heartbeatKey = (groupId: string, memberId: string): string => `${groupId}\u0000hb\u0000${memberId}`;
export const joinKey = (groupId: string): string => `${groupId}\u0000join`;
export const syncKey = (groupId: string): string => `${groupId}\u0000sync`;
