import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader } from '../../src/engine/protocol/primitives.js';
import { codecFor } from '../../src/engine/protocol/codec.js';
import { ApiVersionsResponse } from '../../src/engine/protocol/messages/18-api-versions.js';
import { MetadataResponse } from '../../src/engine/protocol/messages/03-metadata.js';
import { ErrorCode } from '../../src/engine/protocol/errors.js';
import { HANDLERS } from '../../src/engine/broker/handlers/index.js';
import { socketReadStats } from '../../src/engine/broker/socket-reads.js';
import { RawClient, requestFrame } from '../helpers/raw.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

describe('network loop', () => {
  let kt: RunningKt;
  beforeAll(async () => {
    kt = await startKt({ 'socket.request.max.bytes': '100000', 'queued.max.request.bytes': '4096' });
  });
  afterAll(() => kt.stop());

  it('answers every ApiVersions version and advertises exactly the handler table', async () => {
    const conn = await kt.connect();
    for (let v = 0; v <= 4; v++) {
      const body = v >= 3 ? { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1.0' } : {};
      const res = await conn.send(18, v, body);
      expect(res.errorCode).toBe(ErrorCode.NONE);
      expect(res.apiKeys.map((k: { apiKey: number }) => k.apiKey)).toEqual(HANDLERS.map((h) => h.apiKey).sort((a, b) => a - b));
    }
  });

  it('reads accepted connections through the shared read buffer, not per-read allocations', async () => {
    const before = { ...socketReadStats };
    const conn = await kt.connect();
    expect((await conn.send(18, 0, {})).errorCode).toBe(ErrorCode.NONE);
    expect(socketReadStats.sharedReads).toBeGreaterThan(before.sharedReads);
    expect(socketReadStats.dataEvents).toBe(before.dataEvents);
  });

  it('answers an ApiVersions version it does not know with UNSUPPORTED_VERSION and a v0 body', async () => {
    const client = await RawClient.open(kt.port);
    // v9 does not exist; a client from the future sends it with a v2 (flexible) header.
    const frame = requestFrame(18, 3, 77, { clientSoftwareName: 'future', clientSoftwareVersion: '9' });
    frame.writeInt16BE(9, 6);
    client.send(frame);
    const res = (await client.nextFrame())!;
    const r = new Reader(res);
    expect(r.int32()).toBe(77); // response header v0 always for ApiVersions
    const body = codecFor(ApiVersionsResponse, 0).read(r);
    expect(body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.find((k: { apiKey: number }) => k.apiKey === 18)).toEqual({ apiKey: 18, minVersion: 0, maxVersion: 4 });
    client.close();
  });

  it('keeps responses in request order when many requests are pipelined', async () => {
    const client = await RawClient.open(kt.port);
    const frames = [];
    for (let i = 0; i < 200; i++) frames.push(requestFrame(i % 2 ? 3 : 18, i % 2 ? 1 : 0, 1000 + i, i % 2 ? { topics: null } : {}));
    client.send(Buffer.concat(frames));
    for (let i = 0; i < 200; i++) {
      const res = (await client.nextFrame())!;
      expect(res.readInt32BE(0)).toBe(1000 + i);
    }
    client.close();
  });

  it('serves a client that pipelines far more than the in-flight limit without reading', async () => {
    const client = await RawClient.open(kt.port);
    client.socket.pause();
    const count = 3000;
    const frames = [];
    for (let i = 0; i < count; i++) frames.push(requestFrame(3, 1, i, { topics: null }));
    client.send(Buffer.concat(frames));
    await new Promise((r) => setTimeout(r, 100)); // let the server hit its limit and pause reading
    client.socket.resume();
    for (let i = 0; i < count; i++) {
      const res = (await client.nextFrame())!;
      expect(res.readInt32BE(0)).toBe(i);
      if (i === count - 1) {
        const body = codecFor(MetadataResponse, 1).read(new Reader(res, 4));
        expect(body.brokers[0].port).toBe(kt.port);
      }
    }
    client.close();
  });

  it('closes a connection announcing a frame over socket.request.max.bytes without reading it', async () => {
    const client = await RawClient.open(kt.port);
    const header = Buffer.alloc(4);
    header.writeInt32BE(100_001, 0);
    client.send(header);
    await client.waitClosed();
    const negative = await RawClient.open(kt.port);
    header.writeInt32BE(-5, 0);
    negative.send(header);
    await negative.waitClosed();
  });

  it('closes a connection announcing a frame too short to hold a request header, and serves new ones', async () => {
    for (const size of [0, 3, 7]) {
      const client = await RawClient.open(kt.port);
      const frame = Buffer.alloc(4 + size);
      frame.writeInt32BE(size, 0);
      client.send(frame);
      await client.waitClosed();
    }
    const conn = await kt.connect();
    expect((await conn.send(18, 3, { clientSoftwareName: 'kt-test', clientSoftwareVersion: '1.0' })).errorCode).toBe(ErrorCode.NONE);
  });

  it('closes the connection for an unknown api key or an unsupported version, and serves new ones', async () => {
    const unknownKey = await RawClient.open(kt.port);
    const frame = requestFrame(18, 0, 1);
    frame.writeInt16BE(999, 4);
    unknownKey.send(frame);
    await unknownKey.waitClosed();

    const badVersion = await RawClient.open(kt.port);
    const meta = requestFrame(3, 1, 2, { topics: null });
    meta.writeInt16BE(13, 6);
    badVersion.send(meta);
    await badVersion.waitClosed();

    const conn = await kt.connect();
    expect((await conn.send(60, 0, {})).clusterId).toBe(kt.server.clusterId);
  });

  it('closes the connection on a request body that does not decode', async () => {
    const client = await RawClient.open(kt.port);
    const frame = requestFrame(3, 1, 5, { topics: [{ name: 'abc' }] });
    frame.writeInt32BE(1_000_000, frame.length - 9); // topic count far beyond the bytes left
    client.send(frame);
    await client.waitClosed();
  });
});

describe('idle connections', () => {
  it('are closed after connections.max.idle.ms', async () => {
    const kt = await startKt({ 'connections.max.idle.ms': '200' });
    try {
      const client = await RawClient.open(kt.port);
      const started = Date.now();
      await client.waitClosed(5000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    } finally {
      await kt.stop();
    }
  });

  it('stay open while requests keep coming, however long that lasts', async () => {
    const kt = await startKt({ 'connections.max.idle.ms': '300' });
    try {
      const client = await RawClient.open(kt.port);
      for (let i = 0; i < 12; i++) {
        client.send(requestFrame(18, 0, i, {}));
        expect((await client.nextFrame())!.readInt32BE(0)).toBe(i);
        await new Promise((r) => setTimeout(r, 100)); // the client's pace: 1.2 s in all, four idle timeouts
      }
      client.close();
    } finally {
      await kt.stop();
    }
  });
});

describe('a handler that throws', () => {
  it('answers that request with UNKNOWN_SERVER_ERROR and the connection and server live on', async () => {
    const { RequestDispatcher } = await import('../../src/engine/broker/dispatcher.js');
    const { SocketServer } = await import('../../src/engine/broker/socket-server.js');
    const { HandlerRegistry } = await import('../../src/engine/broker/handlers/index.js');
    const { defineHandler } = await import('../../src/engine/broker/handler.js');
    const { silentLogger } = await import('../../src/engine/logger.js');
    const { BrokerConfig } = await import('../../src/engine/config/broker-config.js');
    const { MetadataImage } = await import('../../src/engine/metadata/image.js');
    const { BrokerConnection } = await import('../../src/engine/client/broker-connection.js');
    const describeCluster = HANDLERS.find((h) => h.apiKey === 60)!;
    const broken = defineHandler({ ...describeCluster, handle: () => { throw new Error('boom'); } });
    const registry = new HandlerRegistry([...HANDLERS.filter((h) => h.apiKey !== 60), broken]);
    const image = new MetadataImage('cluster', 1);
    const services = { config: new BrokerConfig(), nodeId: 1, log: silentLogger, metadata: () => image };
    const server = new SocketServer(new RequestDispatcher(registry, services, silentLogger), { maxRequestBytes: 1 << 20, maxInflightBytes: 1 << 20, idleTimeoutMs: 60_000 }, silentLogger);
    const [bound] = await server.listen([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);
    try {
      const conn = await BrokerConnection.open('127.0.0.1', bound.boundPort);
      const failed = await conn.send(60, 0, {});
      expect(failed.errorCode).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
      expect(failed.errorMessage).toBe('boom');
      expect((await conn.send(18, 0, {})).errorCode).toBe(ErrorCode.NONE);
      conn.close();
    } finally {
      await server.close();
    }
  });
});
