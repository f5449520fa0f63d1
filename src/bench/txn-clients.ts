/**
 * The confluent-kafka (Debian's /usr/bin/python3, librdkafka 2.0.2) programs the transactions
 * benchmark runs, identical for every broker: a producer in plain (acks=1, no idempotence) or
 * idempotent mode, a transactional producer that commits transactions of K records for a while or
 * until it has written N records, and a consumer reading partition 0 with an isolation level. Each
 * prints one `RESULT {json}` line.
 */
import type { Procs } from './broker-procs.js';
import { PYTHON } from './broker-clients.js';

const COMMON = String.raw`
import json, sys, time
from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING

def wait_for_topic(bs, topic):
    p = Producer({"bootstrap.servers": bs})
    deadline = time.time() + 30
    while True:
        t = p.list_topics(topic, timeout=10).topics.get(topic)
        if t and not t.error and t.partitions and all(pm.leader >= 0 for pm in t.partitions.values()):
            return
        if time.time() > deadline:
            sys.exit("topic %s never became available" % topic)
        time.sleep(0.1)

def result(**kw):
    print("RESULT " + json.dumps(kw), flush=True)

# Same producer settings as the broker benchmark (bench_kafka_clients.sh), queue raised for bursts.
PCONF = {"linger.ms": 5, "batch.size": 1000000, "compression.type": "none",
         "queue.buffering.max.messages": 2000000, "queue.buffering.max.kbytes": 2097151}
`;

/** argv: bootstrap topic n size mode(plain|idempotent). Records/s from the first send to the last acknowledgement. */
const PRODUCE = String.raw`${COMMON}
bs, topic, n, size, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
wait_for_topic(bs, topic)
conf = dict(PCONF, **{"bootstrap.servers": bs})
if mode == "plain":
    conf.update({"acks": 1, "enable.idempotence": False})
else:
    conf.update({"enable.idempotence": True})   # implies acks=all and at most 5 requests in flight
failed = [0]
def dr(err, msg):
    if err is not None: failed[0] += 1
p = Producer(conf)
p.produce(topic, b"warm-up", partition=0)
p.flush(30)
payload = b"x" * size
produce, poll = p.produce, p.poll
t0 = time.time()
for i in range(n):
    while True:
        try:
            produce(topic, payload, partition=0, on_delivery=dr)
            break
        except BufferError:
            poll(0.001)
    if i % 10000 == 0: poll(0)
left = p.flush(120)
secs = time.time() - t0
result(secs=secs, records=n, rate=n / secs, failed=failed[0], unflushed=left)
`;

/**
 * argv: bootstrap topic transactional_id per_txn size mode limit. mode "seconds": commit
 * transactions for `limit` seconds (after 5 warm-up ones) and report transactions/s; mode "records":
 * write `limit` records in committed transactions (to fill a topic).
 */
const TRANSACT = String.raw`${COMMON}
bs, topic, tid, per_txn, size, mode, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], float(sys.argv[7])
wait_for_topic(bs, topic)
p = Producer(dict(PCONF, **{"bootstrap.servers": bs, "transactional.id": tid}))
p.init_transactions(30)
payload = b"x" * size
def one(k):
    p.begin_transaction()
    for _ in range(k):
        while True:
            try:
                p.produce(topic, payload, partition=0)
                break
            except BufferError:
                p.poll(0.001)
    p.commit_transaction(60)
txns = 0
if mode == "seconds":
    for _ in range(5): one(per_txn)   # warm-up: connections, the coordinator, the partition in the transaction
    t0 = time.time()
    while time.time() - t0 < limit:
        one(per_txn)
        txns += 1
else:
    t0 = time.time()
    left = int(limit)
    while left > 0:
        one(min(per_txn, left))
        left -= per_txn
        txns += 1
secs = time.time() - t0
result(secs=secs, transactions=txns, rate=txns / secs)
`;

/** argv: bootstrap topic n isolation. Reads partition 0 from the beginning until n records; records/s. */
const CONSUME = String.raw`${COMMON}
bs, topic, n, isolation = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
# librdkafka 2.0 pauses fetching whenever more than queued.min.messages are buffered: raise it (see
# ../shared/peers/README.md), the same for both isolation levels.
c = Consumer({"bootstrap.servers": bs, "group.id": "txn-bench", "enable.auto.commit": False, "isolation.level": isolation,
              "queued.min.messages": max(1000000, 2 * n), "queued.max.messages.kbytes": 2097151})
c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
got = 0
t0 = time.time()
deadline = t0 + 120
while got < n and time.time() < deadline:
    for m in c.consume(10000, 1.0):
        if not m.error(): got += 1
secs = time.time() - t0
c.close()
result(secs=secs, records=got, rate=got / secs)
`;

export interface Rate {
  secs: number;
  rate: number;
  [key: string]: number;
}

async function runScript(procs: Procs, script: string, args: string[], timeoutS: number): Promise<Rate> {
  const r = await procs.run(PYTHON, ['-c', script, ...args], { timeoutMs: timeoutS * 1000 });
  const m = r.stdout.match(/^RESULT (.*)$/m);
  if (r.code !== 0 || !m) throw new Error(`exit ${r.code}${r.timedOut ? ' (timed out)' : ''}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
  return JSON.parse(m[1]) as Rate;
}

export function produceRun(procs: Procs, bootstrap: string, topic: string, n: number, size: number, mode: 'plain' | 'idempotent'): Promise<Rate> {
  return runScript(procs, PRODUCE, [bootstrap, topic, String(n), String(size), mode], 180);
}

export function transactionsRun(procs: Procs, bootstrap: string, topic: string, transactionalId: string, perTxn: number, size: number, seconds: number): Promise<Rate> {
  return runScript(procs, TRANSACT, [bootstrap, topic, transactionalId, String(perTxn), String(size), 'seconds', String(seconds)], seconds + 120);
}

export function fillTransactionally(procs: Procs, bootstrap: string, topic: string, transactionalId: string, records: number, perTxn: number, size: number): Promise<Rate> {
  return runScript(procs, TRANSACT, [bootstrap, topic, transactionalId, String(perTxn), String(size), 'records', String(records)], 300);
}

export function consumeRun(procs: Procs, bootstrap: string, topic: string, n: number, isolation: 'read_committed' | 'read_uncommitted'): Promise<Rate> {
  return runScript(procs, CONSUME, [bootstrap, topic, String(n), isolation], 180);
}
