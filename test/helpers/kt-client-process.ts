/**
 * A kt process (test/helpers/kt-process.ts spawnKt) on a fresh log dir with topics created, plus a
 * connection of kt's own client to it for reading logs back (topics.ts fetchAll): what the
 * real-client transaction and idempotence tests start from. stop() removes the log dir.
 */
import { rmSync } from 'node:fs';
import { BrokerConnection } from '../../src/engine/client/broker-connection.js';
import { tempLogDir } from './kt.js';
import { spawnKt, type KtProcess } from './kt-process.js';
import { createTopics, type TopicSpec } from './topics.js';

export interface KtWithTopics {
  kt: KtProcess;
  conn: BrokerConnection;
  stop(): Promise<void>;
}

export async function spawnKtWithTopics(topics: TopicSpec[], extraArgs: string[] = []): Promise<KtWithTopics> {
  const logDir = tempLogDir();
  const kt = await spawnKt(logDir, ['--override', 'auto.create.topics.enable=false', ...extraArgs]);
  try {
    const conn = await BrokerConnection.open('127.0.0.1', kt.port, { clientId: 'kt-test-reader' });
    if (topics.length > 0) await createTopics(conn, topics);
    return {
      kt,
      conn,
      async stop() {
        conn.close();
        await kt.stop();
        rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await kt.stop('SIGKILL');
    rmSync(logDir, { recursive: true, force: true });
    throw err;
  }
}
