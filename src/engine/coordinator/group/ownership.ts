/**
 * Which __consumer_offsets partitions this broker coordinates, following the leadership of each in
 * the metadata image (Kafka's GroupCoordinator.onElection / onResignation): a partition this broker
 * comes to lead is replayed (COORDINATOR_LOAD_IN_PROGRESS meanwhile) and then served; one it stops
 * leading — another broker elected, the topic deleted, the replica moved away — is unloaded at once
 * (NOT_COORDINATOR from then on). A partition led here again under a newer leader epoch (it moved
 * away and back between two looks) is unloaded and replayed again: its log may have been truncated
 * and rewritten meanwhile.
 *
 * The replay reads to the log END offset, as Kafka's loaders do, not the high watermark: a newly
 * elected leader's high watermark lags until its followers fetch again, yet everything in its log
 * is what the partition will hold (a leader never truncates). Answers computed from records above
 * the high watermark wait for them to be replicated (replication.ts).
 */
import type { ReplicaManager } from '../../broker/replica-manager.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { MetadataChange } from '../../metadata/replay.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OFFSETS_TOPIC } from './partitioner.js';

interface Owned {
  status: 'loading' | 'active';
  /** The leader epoch (and topic id) this broker was elected with when it took the partition. */
  leaderEpoch: number;
  topicId: string;
}

export interface GroupPartitionsDeps {
  nodeId: number;
  log: Logger;
  replicaManager: Pick<ReplicaManager, 'get'>;
  /** Replay the partition into the coordinator; undefined when `cancelled` stopped it. */
  replay(partition: number, log: NonNullable<ReturnType<ReplicaManager['get']>>['log'], cancelled: () => boolean): Promise<{ records: number; groups: number; offsets: number } | undefined>;
  /** Forget the partition's groups, offsets and pending transactional offsets. */
  drop(partition: number): void;
  closed(): boolean;
}

const touchesOffsets = (list: { topic: { name: string } }[]): boolean => list.some((c) => c.topic.name === OFFSETS_TOPIC);

export class GroupPartitions {
  private readonly owned = new Map<number, Owned>();

  constructor(private readonly deps: GroupPartitionsDeps) {}

  /** NONE when the partition is served, COORDINATOR_LOAD_IN_PROGRESS while it loads, else NOT_COORDINATOR. */
  status(partition: number): number {
    const owned = this.owned.get(partition);
    if (!owned) return ErrorCode.NOT_COORDINATOR;
    return owned.status === 'active' ? ErrorCode.NONE : ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
  }

  isActive(partition: number): boolean {
    return this.owned.get(partition)?.status === 'active';
  }

  anyLoading(): boolean {
    for (const o of this.owned.values()) if (o.status === 'loading') return true;
    return false;
  }

  onMetadataChange(change: MetadataChange, image: MetadataImage): Promise<void> | undefined {
    const relevant =
      change.deletedTopics.some((t) => t.name === OFFSETS_TOPIC) ||
      touchesOffsets(change.becameLeader) ||
      touchesOffsets(change.becameFollower) ||
      touchesOffsets(change.changedLeaders) ||
      touchesOffsets(change.createdPartitions);
    return relevant ? this.reconcile(image) : undefined;
  }

  /**
   * Unload what this broker no longer leads (or leads under another epoch), load what it leads and
   * does not serve yet. Checking the image rather than only the change's lists catches every way
   * leadership can go (becameFollower, a deleted topic, a reassignment that drops this replica).
   */
  reconcile(image: MetadataImage): Promise<void> {
    const topic = image.topic(OFFSETS_TOPIC);
    for (const [partition, owned] of [...this.owned]) {
      const state = topic?.partitions.get(partition);
      if (!topic || topic.topicId !== owned.topicId || state?.leader !== this.deps.nodeId || state.leaderEpoch !== owned.leaderEpoch) {
        this.unload(partition);
      }
    }
    if (!topic) return Promise.resolve();
    const loads: Promise<void>[] = [];
    for (const state of topic.partitions.values()) {
      if (state.leader === this.deps.nodeId && !this.owned.has(state.partition)) loads.push(this.load(state.partition, state.leaderEpoch, topic.topicId));
    }
    return Promise.all(loads).then(() => undefined);
  }

  private async load(partition: number, leaderEpoch: number, topicId: string): Promise<void> {
    const hosted = this.deps.replicaManager.get(OFFSETS_TOPIC, partition);
    if (!hosted) return;
    const log = hosted.log;
    const owned: Owned = { status: 'loading', leaderEpoch, topicId };
    this.owned.set(partition, owned);
    if (log.logStartOffset >= log.logEndOffset) {
      owned.status = 'active';
      return;
    }
    const started = Date.now();
    try {
      const stats = await this.deps.replay(partition, log, () => this.deps.closed() || this.owned.get(partition) !== owned);
      if (!stats || this.owned.get(partition) !== owned) return;
      owned.status = 'active';
      this.deps.log.info(
        `Finished loading ${OFFSETS_TOPIC}-${partition} (leader epoch ${leaderEpoch}) in ${Date.now() - started} ms: ${stats.records} records, ${stats.groups} groups, ${stats.offsets} offsets`,
      );
    } catch (err) {
      this.deps.log.error(`Failed to load ${OFFSETS_TOPIC}-${partition}`, err);
      if (this.owned.get(partition) === owned) this.unload(partition);
    }
  }

  /** Stop coordinating a partition: its state is dropped and parked requests answered NOT_COORDINATOR. */
  private unload(partition: number): void {
    const owned = this.owned.get(partition);
    this.owned.delete(partition);
    if (owned) this.deps.log.info(`Unloading ${OFFSETS_TOPIC}-${partition} (leader epoch ${owned.leaderEpoch}): no longer its leader`);
    this.deps.drop(partition);
  }

  clear(): void {
    this.owned.clear();
  }
}
