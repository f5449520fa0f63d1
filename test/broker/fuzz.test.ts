/**
 * Bad input must never crash or wedge the server: thousands of random and mutated frames for every
 * API kt serves, sent over many connections, while a well-behaved client beside them keeps being
 * answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/engine/broker/handlers/index.js';
import { defaultsFor } from '../../src/engine/protocol/codec.js';
import { RawClient, requestFrame } from '../helpers/raw.js';
import { startKt, type RunningKt } from '../helpers/kt.js';

function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.KT_FUZZ_SEED ?? Date.now() % 1_000_000);

describe(`fuzzed frames (seed ${SEED})`, () => {
  let kt: RunningKt;
  beforeAll(async () => {
    kt = await startKt({ 'socket.request.max.bytes': '65536' });
  });
  afterAll(() => kt.stop());

  it('neither crash nor hang the server, and a good client is served throughout', async () => {
    const rand = prng(SEED);
    const int = (n: number) => Math.floor(rand() * n);
    const valid: Buffer[] = [];
    for (const h of HANDLERS) {
      for (let v = h.minVersion; v <= h.maxVersion; v++) {
        const body = defaultsFor(h.request, v);
        if (h.apiKey === 18 && v >= 3) Object.assign(body, { clientSoftwareName: 'fuzz', clientSoftwareVersion: '1' });
        if (h.apiKey === 3) body.topics = [{ name: 'fuzz-topic', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }];
        valid.push(requestFrame(h.apiKey, v, int(1 << 30), body));
      }
    }

    const mutate = (frame: Buffer): Buffer => {
      const out = Buffer.from(frame);
      switch (int(6)) {
        case 0: // flip bytes anywhere after the size prefix
          for (let i = 0, n = 1 + int(4); i < n; i++) out[4 + int(out.length - 4)] = int(256);
          return out;
        case 1: // truncate the body but keep the frame consistent
          return fixSize(out.subarray(0, 4 + 8 + int(Math.max(1, out.length - 12))));
        case 2: // trailing garbage
          return fixSize(Buffer.concat([out, Buffer.from(Array.from({ length: 1 + int(32) }, () => int(256)))]));
        case 3: // random api key / version
          out.writeInt16BE(int(80) - 5, 4);
          out.writeInt16BE(int(20) - 2, 6);
          return out;
        case 4: // lengths inside the body set to extremes
          for (let i = 0, n = 1 + int(3); i < n; i++) {
            const at = 12 + int(Math.max(1, out.length - 16));
            if (at + 4 <= out.length) out.writeInt32BE([0x7fffffff, -2, 0x10000, -1][int(4)], at);
          }
          return out;
        default: // pure noise with a plausible size
          return fixSize(Buffer.from(Array.from({ length: 4 + int(200) }, () => int(256))));
      }
    };
    const fixSize = (b: Buffer) => {
      b.writeInt32BE(b.length - 4, 0);
      return b;
    };

    const good = await kt.connect('good-client');
    let clients: RawClient[] = [];
    const FRAMES = 4000;
    for (let i = 0; i < FRAMES; i++) {
      if (clients.length < 8 || int(10) === 0) clients.push(await RawClient.open(kt.port));
      clients = clients.filter((c) => !c.closed);
      const target = clients[int(clients.length)];
      const frame = int(5) === 0 ? valid[int(valid.length)] : mutate(valid[int(valid.length)]);
      target.send(frame);
      if (i % 250 === 0) {
        const res = await good.send(3, 1, { topics: null });
        expect(res.brokers[0].nodeId).toBe(1);
      }
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    for (const c of clients) c.close();

    // Still alive and prompt for a newcomer and for the client that was there all along.
    const newcomer = await kt.connect('newcomer');
    expect((await newcomer.send(18, 0, {})).errorCode).toBe(0);
    expect((await good.send(60, 0, {})).clusterId).toBe(kt.server.clusterId);
  });
});
