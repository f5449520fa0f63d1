/**
 * Sends a transaction's markers where they must be written (the sending side of Kafka's
 * TransactionMarkerChannelManager): each partition's marker goes to the partition's current leader
 * in the metadata image — through `local` (the broker's own replica manager) when that is this
 * broker, else in a WriteTxnMarkers request (v1) to the leader over the inter-broker listener, one
 * request per leader. The answer per partition feeds MarkerSender's retries: a partition without a
 * leader, a leader that moved (NOT_LEADER_OR_FOLLOWER) or a broker that cannot be reached
 * (NETWORK_EXCEPTION) is tried again, with a fresh look at the image, after a backoff.
 *
 * A marker counts as written only once it is replicated: the local ones wait for the partition's
 * ISR here (replication.ts), the remote leader answers WriteTxnMarkers only after its own wait. So
 * the coordinator's CompleteCommit/CompleteAbort never precedes a marker a failover could lose.
 */
import { BrokerConnection } from '../../client/broker-connection.js';
import { withTimeout } from '../../client/timing.js';
import type { BrokerConfig } from '../../config/broker-config.js';
import type { Logger } from '../../logger.js';
import type { MetadataImage } from '../../metadata/image.js';
import type { Message } from '../../protocol/codec.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ReplicationBarrier } from '../replication.js';
import type { MarkerPartitionResult, TxnMarker, TxnMarkerChannel } from './marker-channel.js';

/** How long one WriteTxnMarkers request may take, replication on the leader included (Kafka's request.timeout.ms). */
const MARKER_REQUEST_TIMEOUT_MS = 30_000;
const WRITE_TXN_MARKERS = 27;
const WRITE_TXN_MARKERS_VERSION = 1;

export interface MarkerRouterDeps {
  nodeId: number;
  config: BrokerConfig;
  metadata(): MetadataImage;
  /** Writes markers into partitions this broker leads. */
  local: TxnMarkerChannel;
  barrier: ReplicationBarrier;
  log: Logger;
}

type Ref = { topic: string; partition: number };

export class MarkerRouter implements TxnMarkerChannel {
  private readonly connections = new Map<number, { endpoint: string; conn: Promise<BrokerConnection> }>();
  private closed = false;

  constructor(private readonly deps: MarkerRouterDeps) {}

  async write(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    const image = this.deps.metadata();
    const results = new Map<string, number>();
    const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
    const local: Ref[] = [];
    const remote = new Map<number, Ref[]>();
    for (const ref of marker.partitions) {
      const topic = image.topic(ref.topic);
      const state = topic?.partitions.get(ref.partition);
      // A partition gone from the image: the local writer answers UNKNOWN_TOPIC_OR_PARTITION (no marker needed).
      if (!topic || !state || state.leader === this.deps.nodeId) local.push(ref);
      else if (state.leader < 0) results.set(key(ref.topic, ref.partition), ErrorCode.NOT_LEADER_OR_FOLLOWER);
      else remote.set(state.leader, [...(remote.get(state.leader) ?? []), ref]);
    }
    const writes: Promise<void>[] = [];
    if (local.length > 0) {
      writes.push(
        this.writeLocal({ ...marker, partitions: local }).then((rs) => {
          for (const r of rs) results.set(key(r.topic, r.partition), r.errorCode);
        }),
      );
    }
    for (const [leader, refs] of remote) {
      writes.push(
        this.writeRemote(image, leader, { ...marker, partitions: refs }).then((rs) => {
          for (const r of rs) results.set(key(r.topic, r.partition), r.errorCode);
        }),
      );
    }
    await Promise.all(writes);
    return marker.partitions.map((p) => ({ ...p, errorCode: results.get(key(p.topic, p.partition)) ?? ErrorCode.UNKNOWN_SERVER_ERROR }));
  }

  /** Write through the local channel, then wait for each written partition's ISR. */
  private async writeLocal(marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    const written = await this.deps.local.write(marker);
    return Promise.all(
      written.map(async (r) => {
        if (r.errorCode !== ErrorCode.NONE) return r;
        const code = await (this.deps.barrier.wait(r.topic, r.partition, MARKER_REQUEST_TIMEOUT_MS) ?? ErrorCode.NONE);
        return { ...r, errorCode: code };
      }),
    );
  }

  private async writeRemote(image: MetadataImage, leader: number, marker: TxnMarker): Promise<MarkerPartitionResult[]> {
    const failAll = (errorCode: number) => marker.partitions.map((p) => ({ ...p, errorCode }));
    const listener = this.deps.config.str('inter.broker.listener.name');
    const endpoint = image.endpointFor(leader, listener);
    if (!endpoint || image.brokers.get(leader)?.fenced) return failAll(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const topics = new Map<string, number[]>();
    for (const p of marker.partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const request = {
      markers: [
        {
          producerId: marker.producerId,
          producerEpoch: marker.producerEpoch,
          transactionResult: marker.commit,
          topics: [...topics].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
          coordinatorEpoch: marker.coordinatorEpoch,
        },
      ],
    };
    let response: Message;
    try {
      const conn = await this.connection(leader, `${endpoint.host}:${endpoint.port}`);
      response = await withTimeout(conn.send(WRITE_TXN_MARKERS, WRITE_TXN_MARKERS_VERSION, request as never) as Promise<Message>, MARKER_REQUEST_TIMEOUT_MS, `no answer within ${MARKER_REQUEST_TIMEOUT_MS} ms`);
    } catch (err) {
      this.drop(leader);
      this.deps.log.debug(`WriteTxnMarkers to broker ${leader} failed: ${(err as Error).message}`);
      return failAll(ErrorCode.NETWORK_EXCEPTION);
    }
    const codes = new Map<string, number>();
    for (const m of (response.markers as Message[]) ?? []) {
      for (const t of m.topics as Message[]) {
        for (const p of t.partitions as Message[]) codes.set(`${t.name}\u0000${p.partitionIndex}`, p.errorCode);
      }
    }
    return marker.partitions.map((p) => {
      const errorCode = codes.get(`${p.topic}\u0000${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
      // A leader whose metadata lags may not host the partition yet: only a topic gone from our own
      // image needs no marker, anything else is tried again.
      const gone = !this.deps.metadata().topic(p.topic)?.partitions.has(p.partition);
      return { ...p, errorCode: errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && !gone ? ErrorCode.NOT_LEADER_OR_FOLLOWER : errorCode };
    });
  }

  private connection(nodeId: number, endpoint: string): Promise<BrokerConnection> {
    const known = this.connections.get(nodeId);
    if (known && known.endpoint === endpoint) return known.conn;
    if (known) this.drop(nodeId);
    if (this.closed) return Promise.reject(new Error('the transaction coordinator is closed'));
    const [host, port] = [endpoint.slice(0, endpoint.lastIndexOf(':')), Number(endpoint.slice(endpoint.lastIndexOf(':') + 1))];
    const conn = BrokerConnection.open(host, port, { clientId: `txn-marker-${this.deps.nodeId}`, timeoutMs: MARKER_REQUEST_TIMEOUT_MS });
    this.connections.set(nodeId, { endpoint, conn });
    conn.catch(() => {
      if (this.connections.get(nodeId)?.conn === conn) this.connections.delete(nodeId);
    });
    return conn;
  }

  private drop(nodeId: number): void {
    const known = this.connections.get(nodeId);
    this.connections.delete(nodeId);
    void known?.conn.then(
      (c) => c.close(),
      () => undefined,
    );
  }

  close(): void {
    this.closed = true;
    for (const id of [...this.connections.keys()]) this.drop(id);
  }
}
