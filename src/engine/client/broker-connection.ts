/**
 * A client's connection to one broker: encodes requests with the same declarations the broker uses,
 * matches responses by correlation id, and negotiates versions through ApiVersions. kt's own tools
 * are built on it, so they talk to any Kafka broker the same way.
 */
import { connect, type Socket } from 'node:net';
import { codecFor, type Message } from '../protocol/codec.js';
import type { RequestBodyFor, ResponseFor } from '../protocol/api-types.js';
import { isFlexible, readResponseHeader, requestHeaderVersion, responseHeaderVersion, writeRequestHeader } from '../protocol/headers.js';
import { apiByKey } from '../protocol/messages/index.js';
import { Reader, Writer } from '../protocol/primitives.js';
import { parseVersionRange } from '../protocol/schema.js';

export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

interface Pending {
  apiKey: number;
  version: number;
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
}

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

export interface FinalizedFeatures {
  epoch: number;
  levels: ReadonlyMap<string, number>;
}

export const NO_FINALIZED_FEATURES: FinalizedFeatures = { epoch: -1, levels: new Map() };

export class BrokerConnection {
  private nextCorrelationId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private closedError?: Error;
  /** The broker's supported versions per api key, once negotiated. */
  apiVersions = new Map<number, VersionRange>();
  /**
   * The cluster's finalized features as this broker reported them (ApiVersions v3+, KIP-584): each
   * feature's finalized level, and the epoch of that view (-1: none reported, e.g. before v3).
   */
  finalizedFeatures: FinalizedFeatures = NO_FINALIZED_FEATURES;

  private constructor(
    private readonly socket: Socket,
    readonly clientId: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.failAll(new ConnectionError(err.message)));
    socket.on('close', () => this.failAll(new ConnectionError('connection closed by broker')));
  }

  static async open(host: string, port: number, options: { clientId?: string; timeoutMs?: number } = {}): Promise<BrokerConnection> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ host, port, noDelay: true });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new ConnectionError(`timed out connecting to ${host}:${port}`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ConnectionError(`cannot connect to ${host}:${port}: ${err.code ?? err.message}`));
      });
    });
    return new BrokerConnection(socket, options.clientId ?? 'kt');
  }

  /** Ask the broker which versions it speaks (ApiVersions v3, falling back to v0 as Kafka clients do). */
  async negotiate(): Promise<Map<number, VersionRange>> {
    let response = await this.send(18, 3, { clientSoftwareName: 'kt', clientSoftwareVersion: '0.1.0' });
    if (response.errorCode === 35) response = await this.send(18, 0, {});
    this.apiVersions = new Map(response.apiKeys.map((k: Message) => [k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion }]));
    // A v0 answer (the fallback) has no feature fields: nothing finalized as far as the client knows.
    const levels = new Map<string, number>(((response.finalizedFeatures as Message[] | undefined) ?? []).map((f) => [f.name, f.maxVersionLevel]));
    this.finalizedFeatures = { epoch: (response.finalizedFeaturesEpoch as number | undefined) ?? -1, levels };
    return this.apiVersions;
  }

  /** The highest version both kt and the broker speak, or undefined when there is none. */
  versionFor(apiKey: number, maxWanted = Infinity): number | undefined {
    const theirs = this.apiVersions.get(apiKey);
    const ours = apiByKey(apiKey);
    if (!theirs || !ours) return undefined;
    const oursRange = parseVersionRange(ours.request.validVersions);
    const max = Math.min(theirs.maxVersion, oursRange.max, maxWanted);
    return max >= Math.max(theirs.minVersion, oursRange.min) ? max : undefined;
  }

  /** Typed by the declarations when apiKey is a literal (api-types.ts). */
  send<K extends number>(apiKey: K, version: number, body: RequestBodyFor<K>, expectResponse = true): Promise<ResponseFor<K>> {
    if (this.closedError) return Promise.reject(this.closedError);
    const api = apiByKey(apiKey);
    if (!api) return Promise.reject(new Error(`unknown api key ${apiKey}`));
    const correlationId = this.nextCorrelationId++;
    const w = new Writer();
    w.int32(0);
    const flexible = isFlexible(api.request, version);
    writeRequestHeader(w, requestHeaderVersion(apiKey, version, flexible), {
      requestApiKey: apiKey,
      requestApiVersion: version,
      correlationId,
      clientId: this.clientId,
    });
    codecFor(api.request, version).write(w, body as Message);
    const chunks = w.chunksOut();
    chunks[0].writeInt32BE(w.length - 4, 0);
    this.socket.cork();
    for (const c of chunks) this.socket.write(c);
    this.socket.uncork();
    if (!expectResponse) return Promise.resolve({} as ResponseFor<K>);
    return new Promise((resolve, reject) =>
      this.pending.set(correlationId, { apiKey, version, resolve: resolve as (m: Message) => void, reject }),
    );
  }

  /** Write raw bytes (tests use it to send malformed frames). */
  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  get closed(): boolean {
    return this.closedError !== undefined;
  }

  private onData(chunk: Buffer): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      if (this.bufferedBytes < 4) return;
      // Join the chunks only once the whole frame is here: joining on every chunk copies a large
      // response once per 64 KB chunk (quadratic), which dominated a replica fetcher's CPU.
      if (this.buffered[0].length < 4) this.buffered = [Buffer.concat(this.buffered, this.bufferedBytes)];
      if (this.bufferedBytes < 4 + this.buffered[0].readInt32BE(0)) return;
      if (this.buffered.length > 1) this.buffered = [Buffer.concat(this.buffered, this.bufferedBytes)];
      const buf = this.buffered[0];
      const size = buf.readInt32BE(0);
      if (buf.length < 4 + size) return;
      const frame = buf.subarray(4, 4 + size);
      this.buffered = buf.length > 4 + size ? [buf.subarray(4 + size)] : [];
      this.bufferedBytes -= 4 + size;
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.pending.get(correlationId);
    if (!p) return this.failAll(new ConnectionError(`response with unknown correlation id ${correlationId}`));
    this.pending.delete(correlationId);
    try {
      const api = apiByKey(p.apiKey)!;
      const r = new Reader(frame);
      readResponseHeader(r, responseHeaderVersion(p.apiKey, isFlexible(api.response, p.version)));
      p.resolve(codecFor(api.response, p.version).read(r));
    } catch (err) {
      p.reject(err as Error);
    }
  }

  private failAll(err: Error): void {
    this.closedError ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
