/** The python client programs the group tests run (Debian's confluent-kafka and kafka-python). */

const header = (vars: Record<string, unknown>) => `
import json, sys, time, threading
${Object.entries(vars).map(([k, v]) => `${k} = json.loads(${JSON.stringify(JSON.stringify(v))})`).join('\n')}
def emit(**kw):
    kw['t'] = time.time()
    print(json.dumps(kw), flush=True)
`;

/**
 * Two confluent-kafka consumers in one group (one process): once they split the partitions, N
 * records are produced and consumed, positions committed, and the process waits for a line on stdin
 * before closing them.
 */
export function confluentPair(vars: { BOOTSTRAP: string; GROUP: string; TOPIC: string; STRATEGY: string; N: number; PARTITIONS: number }): string {
  return `${header(vars)}
from confluent_kafka import Consumer, Producer, KafkaException
conf = {'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'partition.assignment.strategy': STRATEGY,
        'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 300}
cs = {n: Consumer(dict(conf, **{'client.id': n})) for n in ('c1', 'c2')}
for c in cs.values():
    c.subscribe([TOPIC])
def owned(c):
    return sorted(tp.partition for tp in c.assignment())
seen = {}
def poll_all():
    for name, c in cs.items():
        m = c.poll(0.05)
        if m is not None and not m.error():
            seen.setdefault(m.value().decode(), set()).add(name)
deadline = time.time() + 45
while time.time() < deadline:
    poll_all()
    a1, a2 = owned(cs['c1']), owned(cs['c2'])
    if a1 and a2 and sorted(a1 + a2) == list(range(PARTITIONS)):
        break
emit(event='balanced', c1=a1, c2=a2)
p = Producer({'bootstrap.servers': BOOTSTRAP})
for i in range(N):
    p.produce(TOPIC, value=('v%d' % i).encode(), partition=i % PARTITIONS)
p.flush(10)
while time.time() < deadline and len(seen) < N:
    poll_all()
for name, c in cs.items():
    c.commit(asynchronous=False)
emit(event='done', consumed=len(seen), c1=owned(cs['c1']), c2=owned(cs['c2']),
     by={n: sum(1 for v in seen.values() if n in v) for n in cs})
sys.stdin.readline()
for c in cs.values():
    c.close()
emit(event='closed')
`;
}

/**
 * Two kafka-python consumers in one group, each in its own thread (kafka-python joins inside poll, so
 * one thread could not serve both), consume N pre-produced records, committing after each poll.
 */
export function kafkaPythonPair(vars: { BOOTSTRAP: string; GROUP: string; TOPIC: string; N: number; PARTITIONS: number }): string {
  return `${header(vars)}
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import CommitFailedError
p = KafkaProducer(bootstrap_servers=BOOTSTRAP)
for i in range(N):
    p.send(TOPIC, value=('v%d' % i).encode(), partition=i % PARTITIONS)
p.flush()
seen = set()
owned = {}
stop = threading.Event()
def member(name):
    c = KafkaConsumer(TOPIC, bootstrap_servers=BOOTSTRAP, group_id=GROUP, client_id=name, auto_offset_reset='earliest',
                      enable_auto_commit=False, session_timeout_ms=6000, heartbeat_interval_ms=300, max_poll_interval_ms=10000)
    while not stop.is_set():
        batch = c.poll(timeout_ms=100)
        for records in batch.values():
            for m in records:
                seen.add(m.value.decode())
        try:
            c.commit()
        except CommitFailedError:
            pass
        owned[name] = sorted(tp.partition for tp in c.assignment())
    c.commit()
    c.close()
threads = [threading.Thread(target=member, args=(n,)) for n in ('k1', 'k2')]
for t in threads:
    t.start()
deadline = time.time() + 45
while time.time() < deadline:
    a1, a2 = owned.get('k1', []), owned.get('k2', [])
    if len(seen) == N and a1 and a2 and sorted(a1 + a2) == list(range(PARTITIONS)):
        break
    time.sleep(0.05)
stop.set()
for t in threads:
    t.join()
emit(event='done', consumed=len(seen), k1=owned.get('k1', []), k2=owned.get('k2', []))
`;
}

/**
 * One long-running confluent-kafka consumer that reports its assignment after every rebalance
 * callback and each record it consumes; "close" on stdin closes it.
 */
export function confluentMember(vars: { BOOTSTRAP: string; GROUP: string; TOPIC: string; STRATEGY: string; INSTANCE: string | null; SESSION_MS: number; NAME: string }): string {
  return `${header(vars)}
from confluent_kafka import Consumer
conf = {'bootstrap.servers': BOOTSTRAP, 'group.id': GROUP, 'client.id': NAME, 'partition.assignment.strategy': STRATEGY,
        'auto.offset.reset': 'earliest', 'session.timeout.ms': SESSION_MS, 'heartbeat.interval.ms': 300}
if INSTANCE:
    conf['group.instance.id'] = INSTANCE
c = Consumer(conf)
cooperative = STRATEGY == 'cooperative-sticky'
owned = set()
def on_assign(consumer, parts):
    global owned
    owned = (owned | {p.partition for p in parts}) if cooperative else {p.partition for p in parts}
    emit(event='assigned', partitions=sorted(owned))
def on_revoke(consumer, parts):
    global owned
    owned = (owned - {p.partition for p in parts}) if cooperative else set()
    emit(event='revoked', partitions=sorted(p.partition for p in parts))
c.subscribe([TOPIC], on_assign=on_assign, on_revoke=on_revoke)
stop = threading.Event()
def reader():
    for line in sys.stdin:
        if line.strip() == 'close':
            stop.set()
threading.Thread(target=reader, daemon=True).start()
emit(event='started')
while not stop.is_set():
    m = c.poll(0.1)
    if m is not None and not m.error():
        emit(event='consumed', partition=m.partition(), offset=m.offset(), value=m.value().decode())
c.close()
emit(event='closed')
`;
}
