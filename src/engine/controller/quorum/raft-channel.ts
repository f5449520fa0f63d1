/**
 * The outbound half of the Raft network (Kafka's KafkaNetworkChannel): requests the Raft client
 * sends to other voters go over TCP to their CONTROLLER listener (one kt client connection per
 * peer, opened on demand and dropped on any error), and each response is fed back into
 * RaftClient.handle with the Raft client's own correlation id.
 *
 * Nothing here retries. A request that could not be sent or whose connection broke is answered
 * at once with BROKER_NOT_AVAILABLE, as Kafka's KafkaNetworkChannel answers a disconnect, so the
 * Raft client backs off retry.backoff.ms and asks again rather than waiting out the request
 * timeout: a leader reaches a voter that just started within milliseconds, before that voter's
 * election timeout makes it stand. A request sent but never answered waits for the Raft client's
 * request timeout (controller.quorum.request.timeout.ms).
 */
import { BrokerConnection } from '../../client/broker-connection.js';
import type { Logger } from '../../logger.js';
import type { Message } from '../../protocol/codec.js';
import type { RaftEnvelope, RaftRequest, RaftResponse } from '../../raft/index.js';
import type { VoterEndpoint } from './quorum-config.js';
import { requestToWire, responseFromWire } from './raft-wire.js';

export class RaftChannel {
  private readonly connections = new Map<number, Promise<BrokerConnection>>();
  private closed = false;

  constructor(
    private readonly voters: ReadonlyMap<number, VoterEndpoint>,
    private readonly deliver: (from: number, envelope: RaftEnvelope) => void,
    /** A request that failed on the way (no connection, connection lost). */
    private readonly failed: (to: number, correlationId: number, request: RaftRequest) => void,
    private readonly connectTimeoutMs: number,
    private readonly log: Logger,
  ) {}

  send(to: number, correlationId: number, request: RaftRequest): void {
    if (this.closed) return;
    const wire = requestToWire(request);
    void this.connection(to)
      .then((conn) => conn.send(wire.apiKey as 1, wire.version, wire.body as never))
      .then(
        (body) => {
          if (!this.closed) this.deliver(to, { correlationId, message: responseFromWire(request.kind, body as Message) as RaftResponse });
        },
        (err: Error) => {
          this.drop(to);
          this.log.debug(`quorum request ${request.kind} to node ${to} failed: ${err.message}`);
          if (!this.closed) this.failed(to, correlationId, request);
        },
      );
  }

  private connection(to: number): Promise<BrokerConnection> {
    let conn = this.connections.get(to);
    if (!conn) {
      const voter = this.voters.get(to);
      if (!voter) return Promise.reject(new Error(`node ${to} is not a voter`));
      conn = BrokerConnection.open(voter.host, voter.port, { clientId: 'raft-client', timeoutMs: this.connectTimeoutMs });
      this.connections.set(to, conn);
      conn.catch(() => this.connections.delete(to));
    }
    return conn;
  }

  private drop(to: number): void {
    const conn = this.connections.get(to);
    this.connections.delete(to);
    void conn?.then((c) => c.close(), () => undefined);
  }

  close(): void {
    this.closed = true;
    for (const to of [...this.connections.keys()]) this.drop(to);
  }
}
