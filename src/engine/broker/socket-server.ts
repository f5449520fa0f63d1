/**
 * The TCP side of the broker: one net.Server per listener, a Connection per client, and a clean stop
 * that closes every connection.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Listener } from '../config/broker-config.js';
import type { Logger } from '../logger.js';
import { Connection, type ConnectionLimits } from './connection.js';
import type { RequestDispatcher } from './dispatcher.js';
import { withSharedReads } from './socket-reads.js';

export interface BoundListener extends Listener {
  /** The port actually bound (differs from `port` when that was 0). */
  boundPort: number;
}

export class SocketServer {
  private readonly servers: Server[] = [];
  private readonly connections = new Set<Connection>();
  readonly bound: BoundListener[] = [];

  constructor(
    private readonly dispatcher: RequestDispatcher,
    private readonly limits: ConnectionLimits,
    private readonly log: Logger,
  ) {}

  async listen(listeners: Listener[]): Promise<BoundListener[]> {
    for (const listener of listeners) {
      const server = createServer({ noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket, listener.name));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: listener.host || undefined, port: listener.port, backlog: 1024 }, () => {
          server.off('error', reject);
          resolve();
        });
      }).catch((err: NodeJS.ErrnoException) => {
        throw new Error(`cannot listen on ${listener.name}://${listener.host}:${listener.port}: ${err.code ?? err.message}`);
      });
      server.on('error', (err) => this.log.error(`listener ${listener.name} failed`, err));
      this.servers.push(server);
      this.bound.push({ ...listener, boundPort: (server.address() as AddressInfo).port });
    }
    return this.bound;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(accepted: Socket, listenerName: string): void {
    let conn: Connection | undefined;
    // Reads begin on a later turn of the event loop, after conn is set.
    const { socket, usesCallback } = withSharedReads(accepted, (chunk) => conn!.onRead(chunk));
    conn = new Connection(socket, this.dispatcher, listenerName, this.limits, this.log, (c) => this.connections.delete(c));
    this.connections.add(conn);
    if (!usesCallback) socket.resume();
  }

  async close(): Promise<void> {
    const closing = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const conn of [...this.connections]) conn.close('server shutting down');
    await Promise.all(closing);
    this.servers.length = 0;
  }
}
