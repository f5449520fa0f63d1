/**
 * Where the replicas of new partitions go: Kafka's StripedReplicaPlacer, over the brokers that can
 * take a new replica now (registered, unfenced, not in controlled shutdown).
 *
 * Brokers are grouped by broker.rack (brokers without one form a single group, so a cluster without
 * racks is one rack). Replicas go round robin over the racks, one per rack before any rack gets a
 * second, and round robin over the brokers within a rack. Each partition starts one rack further
 * than the one before, and each rack's broker list one broker further, so leaders (the first
 * replica) spread evenly — the "striped" pattern:
 *
 *   racks A, B, C with brokers A0..A2, B0..B2, C0..C2, all offsets 0:
 *   partition 0: A0, B0, C0     partition 1: B1, C1, A1     partition 2: C2, A2, B2
 *
 * The starting rack and each rack's starting broker are random, so topics created one after the
 * other do not all put their first leader on the same broker; after as many partitions as there are
 * brokers, the racks and brokers are shuffled again so the same replica sets do not repeat.
 * New partitions of an existing topic continue its stripe instead (as Kafka does since KAFKA-15627):
 * the first rack is the one after its last partition's leader's, and each rack's first broker the
 * one after the last of that rack the topic used. `random` is injectable for deterministic tests.
 */
import { ErrorCode } from '../protocol/errors.js';

export interface UsableBroker {
  id: number;
  rack: string | null;
}

export class ReplicaPlacementError extends Error {
  readonly errorCode = ErrorCode.INVALID_REPLICATION_FACTOR;
}

/** A list of brokers handed out round robin; each new iteration epoch starts one further. */
class BrokerRing {
  private index = 0;
  private offset: number;
  private epoch = 0;

  constructor(
    readonly brokers: number[],
    random: () => number,
    previous?: number,
  ) {
    this.brokers.sort((a, b) => a - b);
    const at = previous === undefined ? -1 : this.brokers.indexOf(previous);
    this.offset = at >= 0 ? (at + 1) % brokers.length : Math.floor(random() * brokers.length);
  }

  /** The next broker of this epoch, or -1 when every broker has been handed out in it. */
  next(epoch: number): number {
    if (this.epoch !== epoch) {
      this.epoch = epoch;
      this.index = 0;
      this.offset = (this.offset + 1) % this.brokers.length;
    }
    if (this.index >= this.brokers.length) return -1;
    return this.brokers[(this.index++ + this.offset) % this.brokers.length];
  }

  shuffle(random: () => number): void {
    shuffle(this.brokers, random);
  }
}

function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}

/** One placement run: the racks with their rings, the rack to start the next partition on, the epoch. */
class RackList {
  private readonly racks: BrokerRing[] = [];
  private readonly brokerCount: number;
  private offset: number;
  private epoch = 0;

  constructor(
    brokers: UsableBroker[],
    private readonly random: () => number,
    existing: number[][] = [],
  ) {
    const byRack = new Map<string, number[]>();
    const rackOf = new Map<number, string>();
    for (const b of brokers) {
      const key = b.rack ?? '';
      byRack.set(key, [...(byRack.get(key) ?? []), b.id]);
      rackOf.set(b.id, key);
    }
    // The last broker of each rack the topic used, latest partition first.
    const lastUsed = new Map<string, number>();
    for (const replicas of [...existing].reverse()) {
      for (const id of replicas) {
        const rack = rackOf.get(id);
        if (rack !== undefined && !lastUsed.has(rack)) lastUsed.set(rack, id);
      }
    }
    const names = [...byRack.keys()].sort();
    for (const key of names) this.racks.push(new BrokerRing(byRack.get(key)!, random, lastUsed.get(key)));
    this.brokerCount = brokers.length;
    const lastLeader = existing.at(-1)?.[0];
    const leaderRack = lastLeader === undefined ? undefined : rackOf.get(lastLeader);
    const lastLeaderRack = leaderRack === undefined ? -1 : names.indexOf(leaderRack);
    if (lastLeaderRack >= 0) this.offset = (lastLeaderRack + 1) % names.length;
    else this.offset = this.racks.length === 0 ? 0 : Math.floor(random() * this.racks.length);
  }

  place(replicationFactor: number): number[] {
    if (this.epoch === this.brokerCount && this.brokerCount > 1) {
      shuffle(this.racks, this.random);
      for (const r of this.racks) r.shuffle(this.random);
      this.epoch = 0;
    }
    if (this.offset >= this.racks.length) this.offset = 0;
    const replicas: number[] = [];
    // Each rack hands out each of its brokers at most once per epoch, so no broker repeats.
    let rackIndex = this.offset;
    while (replicas.length < replicationFactor) {
      const broker = this.racks[rackIndex].next(this.epoch);
      if (broker >= 0) replicas.push(broker);
      rackIndex = (rackIndex + 1) % this.racks.length;
    }
    this.epoch++;
    this.offset++;
    return replicas;
  }
}

/**
 * Replica lists for `partitions` new partitions of `replicationFactor` replicas each, after the
 * topic's `existing` ones (in partition order) when it has some.
 * Throws ReplicaPlacementError (INVALID_REPLICATION_FACTOR) when there are too few usable brokers.
 */
export function placeReplicas(
  brokers: UsableBroker[],
  partitions: number,
  replicationFactor: number,
  random: () => number = Math.random,
  existing: number[][] = [],
): number[][] {
  if (replicationFactor <= 0) {
    throw new ReplicaPlacementError(`Invalid replication factor ${replicationFactor}: the replication factor must be positive.`);
  }
  if (brokers.length === 0) throw new ReplicaPlacementError('All brokers are currently fenced.');
  if (replicationFactor > brokers.length) {
    throw new ReplicaPlacementError(
      `The target replication factor of ${replicationFactor} cannot be reached because only ${brokers.length} broker(s) are registered and unfenced.`,
    );
  }
  const racks = new RackList(brokers, random, existing);
  return Array.from({ length: partitions }, () => racks.place(replicationFactor));
}
