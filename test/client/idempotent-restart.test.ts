/**
 * kt's idempotent producer through broker restarts (run `npm run build` first: the broker is the
 * real `kt server-start` in its own process). Keyed records keep flowing while the broker is killed
 * with SIGKILL, restarted, stopped with SIGTERM and restarted on the same port: the producer retries
 * with the same sequence numbers, and every acknowledged record is in the log exactly once, in the
 * order sent within its partition.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Consumer, type ConsumerRecord } from '../../src/engine/client/consumer.js';
import { partitionForKey } from '../../src/engine/client/partitioner.js';
import { Producer } from '../../src/engine/client/producer.js';
import { tempLogDir } from '../helpers/kt.js';
import { spawnKt, type KtProcess } from '../helpers/kt-process.js';
import { intercept } from './wire.js';

const RECORDS = 20_000;
const PARTITIONS = 3;
const KEYS = 50;

describe("kt's idempotent producer across broker restarts", () => {
  const logDir = tempLogDir();
  let broker: KtProcess | undefined;
  afterAll(async () => {
    await broker?.stop('SIGKILL');
  });

  it('SIGKILL and SIGTERM in the middle: every acknowledged record exactly once, in order per partition', async () => {
    const settings = ['--override', `num.partitions=${PARTITIONS}`];
    broker = await spawnKt(logDir, settings);
    const pinned = [...settings, '--override', `listeners=PLAINTEXT://127.0.0.1:${broker.port}`];
    const producer = new Producer({
      bootstrapServers: broker.bootstrap,
      lingerMs: 5,
      batchSize: 2048,
      requestTimeoutMs: 5000,
      retryBackoffMs: 50,
      clusterOptions: { connectTimeoutMs: 2000 },
    });
    // Count produce requests the restarts cut off: the test means nothing unless some were retried.
    let cutOff = 0;
    intercept(producer, (apiKey, _body, send) =>
      apiKey === 0
        ? send().catch((err: unknown) => {
            cutOff++;
            throw err;
          })
        : send(),
    );
    const acked: boolean[] = new Array(RECORDS).fill(false);
    const errors: Error[] = [];
    const restarts: [number, NodeJS.Signals][] = [
      [Math.floor(RECORDS / 3), 'SIGKILL'],
      [Math.floor((2 * RECORDS) / 3), 'SIGTERM'],
    ];
    // The restarts run beside the sending, so they cut requests off in flight and records keep coming while the broker is down.
    let restarting: Promise<void> = Promise.resolve();
    for (let i = 0; i < RECORDS; i++) {
      const restart = restarts.find(([at]) => at === i);
      if (restart) {
        const previous = restarting;
        restarting = previous.then(async () => {
          await broker!.stop(restart[1]);
          broker = await spawnKt(logDir, pinned);
        });
      }
      producer.send({ topic: 'restarts', key: `k${i % KEYS}`, value: String(i) }, (err) => {
        if (err) errors.push(err);
        else acked[i] = true;
      });
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      if (producer.bufferFull) await producer.waitForSpace();
    }
    await restarting;
    await producer.close();
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(acked.every(Boolean)).toBe(true);
    expect(cutOff).toBeGreaterThan(0);

    const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
    const got: ConsumerRecord[] = [];
    try {
      await consumer.assign(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: 'restarts', partition })));
      await consumer.seekToBeginning();
      const deadline = Date.now() + 30_000;
      while (got.length < RECORDS && Date.now() < deadline) got.push(...(await consumer.poll(500)));
      got.push(...(await consumer.poll(500)));
    } finally {
      consumer.close();
    }
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const values = got.filter((r) => r.partition === partition).map((r) => Number(r.value!.toString()));
      const expected = Array.from({ length: RECORDS }, (_, i) => i).filter((i) => partitionForKey(Buffer.from(`k${i % KEYS}`), PARTITIONS) === partition);
      expect(values.length, `partition ${partition}`).toBe(expected.length);
      expect(values).toEqual(expected);
    }
  }, 180_000);
});
