/**
 * Real clients for the replication fault tests: a confluent-kafka (librdkafka) producer writing one
 * partition without pause and reporting every delivery (acknowledged offset or error), and a
 * read_uncommitted consumer reporting every record it was ever handed. Both run under Debian's
 * /usr/bin/python3 as separate processes, print one JSON line per event, and stop cleanly on SIGTERM
 * (the producer flushes what is in flight first), so a test knows exactly what a client saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

const PRODUCER_PY = String.raw`
import json, signal, sys, time
from confluent_kafka import Producer
bootstrap, topic, partition, prefix, interval_ms, conf_json = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), sys.argv[6]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
def emit(**kw):
    kw['t'] = time.time()
    print(json.dumps(kw), flush=True)
conf = {'bootstrap.servers': bootstrap, 'linger.ms': 5, 'topic.metadata.refresh.interval.ms': 1000,
        'retry.backoff.ms': 100, 'error_cb': lambda e: emit(event='client-error', error=str(e), code=e.code(), fatal=e.fatal())}
conf.update(json.loads(conf_json))
p = Producer(conf)
def report(err, msg):
    v = msg.value().decode()
    if err is not None:
        emit(event='failed', value=v, error=str(err), code=err.code(), retriable=err.retriable(), fatal=err.fatal())
    else:
        emit(event='acked', value=v, partition=msg.partition(), offset=msg.offset())
emit(event='started')
i = 0
while not stop:
    try:
        p.produce(topic, value='%s-%d' % (prefix, i), partition=partition, on_delivery=report)
        i += 1
    except BufferError:
        pass
    p.poll(interval_ms / 1000.0)
emit(event='stopping', sent=i)
left = p.flush(120)
emit(event='done', sent=i, unflushed=left)
`;

const CONSUMER_PY = String.raw`
import json, signal, sys, time
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
bootstrap, topic, partition = sys.argv[1], sys.argv[2], int(sys.argv[3])
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
def emit(**kw):
    print(json.dumps(kw), flush=True)
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'fault-reader-%s' % topic, 'enable.auto.commit': False,
              'isolation.level': 'read_uncommitted', 'fetch.wait.max.ms': 100, 'topic.metadata.refresh.interval.ms': 1000,
              'error_cb': lambda e: emit(event='client-error', error=str(e), code=e.code())})
c.assign([TopicPartition(topic, partition, OFFSET_BEGINNING)])
emit(event='started')
while not stop:
    for m in c.consume(500, 0.2):
        if m.error():
            emit(event='error', error=str(m.error()), code=m.error().code())
            continue
        emit(event='record', offset=m.offset(), value=m.value().decode() if m.value() is not None else None, leader_epoch=m.leader_epoch() if hasattr(m, 'leader_epoch') else None)
c.close()
emit(event='done')
`;

export type PyEvent = Record<string, any> & { event: string; t?: number };

export class PythonClient {
  readonly events: PyEvent[] = [];
  stderr = '';
  private readonly exited: Promise<number | null>;
  private buffered = '';

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d: Buffer) => {
      this.buffered += d.toString();
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          this.events.push(JSON.parse(line) as PyEvent);
        } catch {
          this.stderr += `unparsed stdout: ${line}\n`;
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      if (this.stderr.length > 8_000_000) this.stderr = this.stderr.slice(-4_000_000);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  of(event: string): PyEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM (the producer flushes), then the exit code; SIGKILL after `graceMs`. */
  async stop(graceMs = 130_000): Promise<number | null> {
    if (this.running) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }

  /** The last events and stderr, for an assertion message. */
  summary(lastEvents = 20): string {
    if (process.env.KT_FAULTS_CLIENT_DUMP) writeFileSync(`${process.env.KT_FAULTS_CLIENT_DUMP}-${this.name.replace(/\W+/g, '_')}.txt`, `${this.stderr}\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`);
    const counts = new Map<string, number>();
    for (const e of this.events) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
    return `${this.name}: ${JSON.stringify(Object.fromEntries(counts))}; last events:\n${this.events
      .slice(-lastEvents)
      .map((e) => JSON.stringify(e))
      .join('\n')}\nstderr (tail): ${this.stderr.slice(-3000)}`;
  }
}

export interface AckedProducerOptions {
  bootstrap: string;
  topic: string;
  partition: number;
  /** Values are `<prefix>-<n>`, n from 0 in produce order. */
  prefix: string;
  /** Pause between two produce() calls (the rate), in ms. */
  intervalMs?: number;
  /** librdkafka settings on top of the defaults (acks=all, idempotent, generous message timeout). */
  config?: Record<string, string | number | boolean>;
}

/** Start a confluent-kafka producer writing `prefix-n` to one partition until stopped. */
export function startAckedProducer(o: AckedProducerOptions): PythonClient {
  const debug = process.env.KT_FAULTS_RDKAFKA_DEBUG ? { debug: process.env.KT_FAULTS_RDKAFKA_DEBUG } : {};
  const config = { acks: 'all', 'enable.idempotence': true, 'request.timeout.ms': 5000, 'message.timeout.ms': 120_000, ...debug, ...o.config };
  const child = spawn(PYTHON, ['-c', PRODUCER_PY, o.bootstrap, o.topic, String(o.partition), o.prefix, String(o.intervalMs ?? 10), JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new PythonClient(`producer ${o.prefix}`, child);
}

/** Start a read_uncommitted confluent-kafka consumer of one partition from its beginning, until stopped. */
export function startRecordingConsumer(bootstrap: string, topic: string, partition: number): PythonClient {
  const child = spawn(PYTHON, ['-c', CONSUMER_PY, bootstrap, topic, String(partition)], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new PythonClient(`consumer of ${topic}-${partition}`, child);
}

/** The producer's acknowledged records: value -> acknowledged offset. Throws on a value acknowledged twice. */
export function ackedOffsets(producer: PythonClient): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of producer.of('acked')) {
    if (out.has(e.value)) throw new Error(`${e.value} acknowledged twice (offsets ${out.get(e.value)} and ${e.offset})`);
    out.set(e.value as string, e.offset as number);
  }
  return out;
}
