/**
 * Python (confluent-kafka) building blocks shared by the transaction tests' scripts: a transactional
 * producer, and `read_all`, which reads every partition of a topic from the beginning to its end as
 * one isolation level sees it (for read_committed the end is the last stable offset: librdkafka
 * reports a partition's EOF there). The scripts using them define BOOTSTRAP and PARTITIONS first.
 */
export const CONFLUENT_TXN_PY = String.raw`
import json, sys, time
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING

def emit(**kw):
    print(json.dumps(kw), flush=True)

def transactional(tid, timeout_ms=30000, **extra):
    conf = {'bootstrap.servers': BOOTSTRAP, 'transactional.id': tid, 'transaction.timeout.ms': timeout_ms, 'linger.ms': 5}
    conf.update(extra)
    p = Producer(conf)
    p.init_transactions(30)
    return p

def produce(p, topic, prefix, n):
    for i in range(n):
        p.produce(topic, key='k%d' % (i % 5), value='%s-%d' % (prefix, i))

def read_all(topic, isolation, until=None, timeout_s=30):
    """Values per partition ({"0": [...], ...}) from the beginning to the end of every partition, or,
    with until(values_by_partition), until that holds (reading on past ends of partitions)."""
    c = Consumer({'bootstrap.servers': BOOTSTRAP, 'group.id': 'reader', 'enable.auto.commit': False,
                  'isolation.level': isolation, 'enable.partition.eof': True})
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(PARTITIONS)])
    out = {str(p): [] for p in range(PARTITIONS)}
    eof, errors = set(), []
    deadline = time.time() + timeout_s
    while not errors and not (until(out) if until else len(eof) == PARTITIONS):
        if time.time() > deadline:
            c.close()
            raise Exception('reading %s (%s) timed out with %s' % (topic, isolation, {p: len(v) for p, v in out.items()}))
        for m in c.consume(1000, 0.2):
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF: eof.add(m.partition())
                else: errors.append(str(m.error()))
                continue
            eof.discard(m.partition())
            out[str(m.partition())].append(m.value().decode())
    c.close()
    if errors: raise Exception('reading %s (%s): %s' % (topic, isolation, errors))
    return out
`;
