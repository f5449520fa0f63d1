/**
 * The client's view of a Kafka cluster: the bootstrap list, one negotiated BrokerConnection per
 * broker address, and the latest metadata. Producers, consumers and the admin client all go
 * through it, so they share connections and see the same leaders.
 */
import type { Message } from '../protocol/codec.js';
import type { RequestBodyFor, ResponseFor } from '../protocol/api-types.js';
import { apiByKey } from '../protocol/messages/index.js';
import { BrokerConnection, type FinalizedFeatures, NO_FINALIZED_FEATURES } from './broker-connection.js';
import { type BrokerAddress, DEFAULT_BOOTSTRAP, formatAddress, parseBootstrap } from './bootstrap.js';
import { ConnectionError, UnsupportedVersionError } from './errors.js';
import { type BrokerNode, type MetadataSnapshot, type TopicMetadata, metadataRequest, parseMetadata } from './metadata.js';
import { sleep, withTimeout } from './timing.js';

export interface ClusterOptions {
  /** `host:port[,host:port]`, or parsed addresses. Defaults to localhost:9092. */
  bootstrap?: string | BrokerAddress[];
  clientId?: string;
  /** How long to keep trying to reach a broker (connect and ApiVersions) before giving up. */
  connectTimeoutMs?: number;
  /** How long to wait for any single response. */
  requestTimeoutMs?: number;
}

export type Target = number | 'any' | 'controller';

export interface RequestOptions {
  minVersion?: number;
  maxVersion?: number;
  /** Overrides the cluster's request timeout (long-polling fetches add their wait). */
  timeoutMs?: number;
  /** False for produce with acks=0: Kafka sends no response. */
  expectResponse?: boolean;
}

export interface Response<M = Message> {
  response: M;
  version: number;
  /** The node that answered, -1 for a bootstrap address not yet matched to a node. */
  nodeId: number;
}

const RECONNECT_BACKOFF_MS = 100;

interface Connected {
  conn: BrokerConnection;
  nodeId: number;
  address: string;
}

export class Cluster {
  readonly bootstrap: BrokerAddress[];
  readonly clientId: string;
  readonly connectTimeoutMs: number;
  readonly requestTimeoutMs: number;
  clusterId: string | null = null;
  controllerId = -1;
  readonly brokers = new Map<number, BrokerNode>();
  readonly topics = new Map<string, TopicMetadata>();
  /**
   * The newest view of the cluster's finalized features any broker has reported (Java's
   * ApiVersions keeps the one with the highest FinalizedFeaturesEpoch the same way).
   */
  finalizedFeatures: FinalizedFeatures = NO_FINALIZED_FEATURES;
  private readonly connections = new Map<string, Promise<BrokerConnection>>();
  private closed = false;

  constructor(options: ClusterOptions = {}) {
    this.bootstrap = Array.isArray(options.bootstrap) ? options.bootstrap : parseBootstrap(options.bootstrap ?? DEFAULT_BOOTSTRAP);
    this.clientId = options.clientId ?? 'kt';
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Reach a broker and load the broker list; fails with "Broker not reachable at X within N ms". */
  async connect(): Promise<void> {
    await this.refreshMetadata([]);
  }

  /**
   * Fetch metadata for `topics` (null: all topics) and merge it into the view. Asking for all
   * topics also forgets topics that no longer exist.
   */
  async refreshMetadata(topics: readonly string[] | null, allowAutoTopicCreation = false): Promise<MetadataSnapshot> {
    const { response } = await this.request('any', 3, (v) => metadataRequest(v, topics, allowAutoTopicCreation));
    const snapshot = parseMetadata(response);
    this.clusterId = snapshot.clusterId;
    this.controllerId = snapshot.controllerId;
    this.brokers.clear();
    for (const b of snapshot.brokers) this.brokers.set(b.nodeId, b);
    if (topics === null || (topics.length === 0 && snapshot.topics.length > 0)) this.topics.clear();
    for (const t of snapshot.topics) {
      if (t.errorCode === 0) this.topics.set(t.name, t);
      else this.topics.delete(t.name);
    }
    return snapshot;
  }

  /** A feature's finalized level as last reported (0 when not finalized, as Kafka reads an absent feature). */
  finalizedFeatureLevel(name: string): number {
    return this.finalizedFeatures.levels.get(name) ?? 0;
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  /** The leader's node id for a partition, or -1 when the view has none. */
  leaderFor(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /**
   * Send one request to `target` at the highest version both sides speak (capped by maxVersion).
   * `body` may depend on the version chosen. A lost or timed-out connection is dropped so the next
   * request reconnects.
   */
  /** Typed by the declarations when apiKey is a literal (api-types.ts). */
  async request<K extends number>(
    target: Target,
    apiKey: K,
    body: RequestBodyFor<K> | ((version: number) => RequestBodyFor<K>),
    options: RequestOptions = {},
  ): Promise<Response<ResponseFor<K>>> {
    const { conn, nodeId, address } = await this.connectionFor(target);
    const where = nodeId >= 0 ? `${address} (id: ${nodeId})` : address;
    const version = conn.versionFor(apiKey, options.maxVersion);
    const api = apiByKey(apiKey);
    const name = api?.request.name.replace(/Request$/, '') ?? `api ${apiKey}`;
    if (version === undefined || version < (options.minVersion ?? 0)) {
      throw new UnsupportedVersionError(
        `The broker at ${where} does not support ${name}${options.minVersion ? ` v${options.minVersion} or later` : ''}`,
      );
    }
    const payload = typeof body === 'function' ? body(version) : body;
    const expectResponse = options.expectResponse ?? true;
    const sent = conn.send(apiKey, version, payload, expectResponse);
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const response = await withTimeout(sent, timeoutMs, `${name} request to ${where} timed out after ${timeoutMs} ms`, () =>
      this.drop(conn),
    ).catch((err: unknown) => {
      if (err instanceof ConnectionError) this.drop(conn);
      throw err;
    });
    return { response, version, nodeId };
  }

  /** The negotiated connection for a node, opened on first use. */
  async connection(nodeId: number): Promise<BrokerConnection> {
    const node = this.brokers.get(nodeId);
    if (!node) throw new ConnectionError(`unknown broker id ${nodeId}`);
    return this.open({ host: node.host, port: node.port }, this.connectTimeoutMs);
  }

  close(): void {
    this.closed = true;
    for (const p of this.connections.values()) p.then((c) => c.close(), () => undefined);
    this.connections.clear();
  }

  private async connectionFor(target: Target): Promise<Connected> {
    const node = typeof target === 'number' ? target : target === 'controller' && this.brokers.has(this.controllerId) ? this.controllerId : undefined;
    if (node === undefined) return this.anyConnection();
    return { conn: await this.connection(node), nodeId: node, address: this.brokers.has(node) ? formatAddress(this.brokers.get(node)!) : `node ${node}` };
  }

  /**
   * Any broker will do (metadata, admin requests): prefer an open connection, then known brokers,
   * then the bootstrap list, retrying until connectTimeoutMs as Kafka clients keep reconnecting.
   */
  private async anyConnection(): Promise<Connected> {
    for (const [key, p] of this.connections) {
      const conn = await p.catch(() => undefined);
      if (conn && !conn.closed) return { conn, nodeId: this.nodeIdOf(key), address: key };
    }
    const candidates: BrokerAddress[] = [...[...this.brokers.values()].map((b) => ({ host: b.host, port: b.port })), ...this.bootstrap];
    const deadline = Date.now() + this.connectTimeoutMs;
    let lastError: unknown;
    for (;;) {
      for (const addr of candidates) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        try {
          const conn = await this.open(addr, left);
          return { conn, nodeId: this.nodeIdOf(formatAddress(addr)), address: formatAddress(addr) };
        } catch (err) {
          lastError = err;
        }
      }
      if (this.closed || Date.now() + RECONNECT_BACKOFF_MS >= deadline) break;
      await sleep(RECONNECT_BACKOFF_MS);
    }
    const where = this.bootstrap.map(formatAddress).join(',');
    const why = lastError instanceof Error && !/timed out/.test(lastError.message) ? ` (${lastError.message})` : '';
    throw new ConnectionError(`Broker not reachable at ${where} within ${this.connectTimeoutMs} ms${why}`);
  }

  private open(addr: BrokerAddress, timeoutMs: number): Promise<BrokerConnection> {
    const key = formatAddress(addr);
    const cached = this.connections.get(key);
    if (cached) {
      return cached.then((c) => {
        if (!c.closed) return c;
        if (this.connections.get(key) === cached) this.connections.delete(key);
        return this.open(addr, timeoutMs);
      });
    }
    const opening = (async () => {
      const conn = await BrokerConnection.open(addr.host, addr.port, { clientId: this.clientId, timeoutMs });
      try {
        await withTimeout(conn.negotiate(), Math.max(timeoutMs, 1000), `ApiVersions from ${key} timed out`);
        if (conn.finalizedFeatures.epoch > this.finalizedFeatures.epoch) this.finalizedFeatures = conn.finalizedFeatures;
      } catch (err) {
        conn.close();
        throw err;
      }
      return conn;
    })();
    this.connections.set(key, opening);
    opening.catch(() => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    });
    return opening;
  }

  private drop(conn: BrokerConnection): void {
    conn.close();
    for (const [key, p] of this.connections) {
      p.then(
        (c) => {
          if (c === conn && this.connections.get(key) === p) this.connections.delete(key);
        },
        () => undefined,
      );
    }
  }

  private nodeIdOf(addressKey: string): number {
    for (const b of this.brokers.values()) if (formatAddress(b) === addressKey) return b.nodeId;
    return -1;
  }
}
