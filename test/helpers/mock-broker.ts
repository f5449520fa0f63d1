/**
 * A Kafka broker that is not kt: librdkafka's mock cluster, started inside a confluent-kafka
 * (python3) client with `test.mock.num.brokers`. It listens on a real loopback port and speaks the
 * protocol its own way (Metadata v0-2 only, no CreateTopics, auto-created topics of 4 partitions),
 * which makes it a fair check that kt's tools negotiate versions rather than assume kt.
 * The python process lives until its stdin closes.
 */
import { spawn } from 'node:child_process';
import { PYTHON } from './processes.js';

const SCRIPT = `
import sys
from confluent_kafka import Producer
p = Producer({'test.mock.num.brokers': 1, 'bootstrap.servers': ''})
broker = list(p.list_topics(timeout=10).brokers.values())[0]
print(f"BOOTSTRAP={broker.host}:{broker.port}", flush=True)
sys.stdin.read()
`;

export interface MockBroker {
  bootstrap: string;
  stop(): Promise<void>;
}

export function startMockBroker(timeoutMs = 15_000): Promise<MockBroker> {
  const child = spawn(PYTHON, ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`librdkafka mock cluster did not start within ${timeoutMs} ms: ${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const found = /BOOTSTRAP=(\S+)/.exec(out);
      if (!found) return;
      clearTimeout(timer);
      resolve({ bootstrap: found[1], stop });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`librdkafka mock cluster exited with ${code}: ${err}`));
    });
  });
}
