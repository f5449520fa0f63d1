/**
 * One kt server process: the roles named in process.roles (broker, controller) composed from the
 * engine's parts. The broker serves clients from the metadata image; the controller (a later
 * issue's quorum) owns the metadata log that the image is built from.
 */
import { randomBytes } from 'node:crypto';
import { BrokerConfig } from './config/broker-config.js';
import { RequestDispatcher } from './broker/dispatcher.js';
import { HandlerRegistry } from './broker/handlers/index.js';
import type { BrokerServices } from './broker/services.js';
import { type BoundListener, SocketServer } from './broker/socket-server.js';
import { createLogger, type Logger } from './logger.js';
import { MetadataImage } from './metadata/image.js';

const DEFAULT_INFLIGHT_BYTES = 16 * 1024 * 1024;

export interface KtServerOptions {
  overrides?: ReadonlyMap<string, string>;
  logger?: Logger;
}

export class KtServer {
  readonly config: BrokerConfig;
  readonly log: Logger;
  private image: MetadataImage;
  private socketServer?: SocketServer;
  private started = false;

  constructor(options: KtServerOptions = {}) {
    this.config = new BrokerConfig(options.overrides ?? new Map());
    this.log = options.logger ?? createLogger();
    this.image = new MetadataImage(randomBytes(16).toString('base64url'), this.config.nodeId);
  }

  get clusterId(): string {
    return this.image.clusterId;
  }

  /** Listeners with the ports actually bound (useful when configured with port 0). */
  get listeners(): BoundListener[] {
    return this.socketServer?.bound ?? [];
  }

  metadata(): MetadataImage {
    return this.image;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('server already started');
    this.started = true;
    const services: BrokerServices = {
      config: this.config,
      nodeId: this.config.nodeId,
      log: this.log,
      metadata: () => this.image,
    };
    const dispatcher = new RequestDispatcher(new HandlerRegistry(), services, this.log.child('kt.network'));
    const queued = this.config.int('queued.max.request.bytes');
    this.socketServer = new SocketServer(
      dispatcher,
      {
        maxRequestBytes: this.config.int('socket.request.max.bytes'),
        maxInflightBytes: queued > 0 ? queued : DEFAULT_INFLIGHT_BYTES,
        idleTimeoutMs: this.config.int('connections.max.idle.ms'),
      },
      this.log.child('kt.network'),
    );
    const bound = await this.socketServer.listen(this.config.brokerListeners);
    const protocols = securityProtocols(this.config.str('listener.security.protocol.map'));
    const ports = new Map(bound.map((l) => [l.name, l.boundPort]));
    this.image.brokers.set(this.config.nodeId, {
      nodeId: this.config.nodeId,
      endpoints: this.config
        .advertisedListeners(ports)
        .filter((l) => ports.has(l.name))
        .map((l) => ({ ...l, securityProtocol: protocols.get(l.name) ?? l.name })),
      rack: this.config.str('broker.rack') || null,
      fenced: false,
    });
    const where = bound.map((l) => `${l.name}://${l.host || '0.0.0.0'}:${l.boundPort}`).join(',');
    this.log.info(`[KtServer nodeId=${this.config.nodeId}] started (cluster.id=${this.clusterId}, listeners=${where})`);
  }

  async stop(): Promise<void> {
    if (!this.socketServer) return;
    this.log.info(`[KtServer nodeId=${this.config.nodeId}] shutting down`);
    await this.socketServer.close();
    this.socketServer = undefined;
    this.log.info(`[KtServer nodeId=${this.config.nodeId}] shut down completed`);
  }
}

function securityProtocols(map: string): Map<string, string> {
  return new Map(
    map
      .split(',')
      .map((pair) => pair.split(':').map((s) => s.trim()))
      .filter((p) => p.length === 2)
      .map(([name, protocol]) => [name.toUpperCase(), protocol]),
  );
}
