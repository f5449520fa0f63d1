package kt.acceptance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Scenarios run with Apache Kafka's Java client against a broker, one per invocation:
 *
 * <pre>
 *   java -cp ... kt.acceptance.Scenarios BOOTSTRAP idempotent TOPIC N [RATE]
 *   java -cp ... kt.acceptance.Scenarios BOOTSTRAP transactions TOPIC TRANSACTIONAL_ID
 *   java -cp ... kt.acceptance.Scenarios BOOTSTRAP fencing TOPIC TRANSACTIONAL_ID
 *   java -cp ... kt.acceptance.Scenarios BOOTSTRAP ctp INPUT OUTPUT GROUP TRANSACTIONAL_ID N
 * </pre>
 *
 * Each prints one JSON line with what it saw, last; the test (test/clients/java-client.test.ts)
 * decides whether that is right. With a RATE (records per second), the idempotent scenario is paced
 * and prints {"event":"progress","acked":N} lines on the way, so the test can restart the broker
 * in the middle. Producers keep the client's defaults (since Kafka 3.0: idempotent,
 * acks=all) except for what a scenario needs (a transactional.id).
 */
public final class Scenarios {
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long READ_TIMEOUT_MS = 30_000;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String result =
        switch (args[1]) {
          case "idempotent" -> idempotent(bootstrap, args[2], Integer.parseInt(args[3]), args.length > 4 ? Integer.parseInt(args[4]) : 0);
          case "transactions" -> transactions(bootstrap, args[2], args[3]);
          case "fencing" -> fencing(bootstrap, args[2], args[3]);
          case "ctp" -> consumeTransformProduce(bootstrap, args[2], args[3], args[4], args[5], Integer.parseInt(args[6]));
          default -> throw new IllegalArgumentException("unknown scenario " + args[1]);
        };
    System.out.println(result);
    System.out.flush();
  }

  static Properties producerConfig(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  static KafkaProducer<String, String> transactional(String bootstrap, String transactionalId) {
    Properties p = producerConfig(bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000);
    return new KafkaProducer<>(p);
  }

  static KafkaConsumer<String, String> consumer(String bootstrap, String isolation, String groupId) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    if (groupId != null) c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    return new KafkaConsumer<>(c);
  }

  /** The records of every partition of `topic` as `isolation` sees them, by assignment (no group), partition by partition. */
  static Map<Integer, List<ConsumerRecord<String, String>>> readAll(String bootstrap, String topic, String isolation) {
    Map<Integer, List<ConsumerRecord<String, String>>> out = new TreeMap<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, isolation, null)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic)) parts.add(new TopicPartition(topic, info.partition()));
      for (TopicPartition tp : parts) out.put(tp.partition(), new ArrayList<>());
      c.assign(parts);
      c.seekToBeginning(parts);
      // endOffsets follows the consumer's isolation level: the last stable offset for read_committed.
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.currentTimeMillis() + READ_TIMEOUT_MS;
      while (!parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("read " + topic + " timed out; end offsets " + end);
        for (ConsumerRecord<String, String> r : c.poll(POLL)) out.get(r.partition()).add(r);
      }
    }
    return out;
  }

  static List<String> values(Map<Integer, List<ConsumerRecord<String, String>>> byPartition) {
    List<String> vs = new ArrayList<>();
    for (List<ConsumerRecord<String, String>> rs : byPartition.values()) for (ConsumerRecord<String, String> r : rs) vs.add(r.value());
    return vs;
  }

  /**
   * A producer with default settings sends n keyed records ("key-(i % 101)", "v-i"); every delivery is
   * counted. Then the topic is read back: each value must be there once, and a key's values in order.
   */
  static String idempotent(String bootstrap, String topic, int n, int rate) throws Exception {
    AtomicInteger acked = new AtomicInteger();
    long t0 = System.nanoTime();
    int reported = 0;
    AtomicInteger failed = new AtomicInteger();
    List<String> errors = new ArrayList<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
      for (int i = 0; i < n; i++) {
        producer.send(new ProducerRecord<>(topic, "key-" + (i % 101), "v-" + i), (md, err) -> {
          if (err == null) acked.incrementAndGet();
          else {
            failed.incrementAndGet();
            synchronized (errors) {
              if (errors.size() < 5) errors.add(err.toString());
            }
          }
        });
        if (rate > 0 && i % 100 == 99) {
          long ahead = (long) ((i + 1) * 1e9 / rate) - (System.nanoTime() - t0);
          if (ahead > 0) Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
          if (acked.get() >= reported + 1000) {
            reported = acked.get();
            System.out.println(Json.obj("event", "progress", "acked", reported, "sent", i + 1));
            System.out.flush();
          }
        }
      }
      producer.flush();
    }
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> lastOfKey = new HashMap<>();
    int outOfOrder = 0;
    int consumed = 0;
    for (List<ConsumerRecord<String, String>> rs : readAll(bootstrap, topic, "read_committed").values()) {
      for (ConsumerRecord<String, String> r : rs) {
        consumed++;
        seen.merge(r.value(), 1, Integer::sum);
        int i = Integer.parseInt(r.value().substring(2));
        Integer last = lastOfKey.put(r.key(), i);
        if (last != null && last >= i) outOfOrder++;
      }
    }
    int duplicates = 0;
    int missing = 0;
    for (int i = 0; i < n; i++) {
      int count = seen.getOrDefault("v-" + i, 0);
      if (count == 0) missing++;
      if (count > 1) duplicates++;
    }
    return Json.obj("event", "done", "scenario", "idempotent", "acked", acked.get(), "failed", failed.get(), "errors", errors, "consumed", consumed,
        "duplicates", duplicates, "missing", missing, "outOfOrder", outOfOrder);
  }

  static void sendAll(KafkaProducer<String, String> producer, String topic, String prefix, int count) {
    for (int i = 0; i < count; i++) producer.send(new ProducerRecord<>(topic, "k" + (i % 3), prefix + "-" + i));
  }

  /** Three transactions (commit, abort, commit) of 30 records over the topic's partitions, then what each isolation level sees. */
  static String transactions(String bootstrap, String topic, String transactionalId) {
    try (KafkaProducer<String, String> producer = transactional(bootstrap, transactionalId)) {
      producer.initTransactions();
      producer.beginTransaction();
      sendAll(producer, topic, "first", 30);
      producer.commitTransaction();
      producer.beginTransaction();
      sendAll(producer, topic, "aborted", 30);
      producer.flush(); // the aborted records reach the log before the abort
      producer.abortTransaction();
      producer.beginTransaction();
      sendAll(producer, topic, "second", 30);
      producer.commitTransaction();
    }
    return Json.obj("scenario", "transactions", "readCommitted", values(readAll(bootstrap, topic, "read_committed")),
        "readUncommitted", values(readAll(bootstrap, topic, "read_uncommitted")));
  }

  /**
   * Producer 1 leaves a transaction open with records in the log; producer 2 with the same
   * transactional.id initializes (fencing producer 1 and aborting its transaction) and commits its own;
   * producer 1's commit must then fail.
   */
  static String fencing(String bootstrap, String topic, String transactionalId) {
    String oldCommit;
    try (KafkaProducer<String, String> first = transactional(bootstrap, transactionalId)) {
      first.initTransactions();
      first.beginTransaction();
      sendAll(first, topic, "fenced", 20);
      first.flush();
      try (KafkaProducer<String, String> second = transactional(bootstrap, transactionalId)) {
        second.initTransactions();
        second.beginTransaction();
        sendAll(second, topic, "winner", 20);
        second.commitTransaction();
      }
      try {
        first.send(new ProducerRecord<>(topic, "k0", "fenced-late"));
        first.commitTransaction();
        oldCommit = "committed";
      } catch (Exception e) {
        oldCommit = e.getClass().getSimpleName();
      }
    }
    return Json.obj("scenario", "fencing", "oldCommit", oldCommit, "readCommitted", values(readAll(bootstrap, topic, "read_committed")),
        "readUncommitted", values(readAll(bootstrap, topic, "read_uncommitted")));
  }

  /**
   * Consume-transform-produce: n input records (written by a default producer) are read by a group
   * member with read_committed; each poll's records are upper-cased into the output topic in a
   * transaction that also commits the group's offsets (sendOffsetsToTransaction). The first such
   * transaction is aborted, and its records reprocessed from the group's committed offsets.
   */
  static String consumeTransformProduce(String bootstrap, String input, String output, String group, String transactionalId, int n) {
    try (KafkaProducer<String, String> plain = new KafkaProducer<>(producerConfig(bootstrap))) {
      for (int i = 0; i < n; i++) plain.send(new ProducerRecord<>(input, "k" + (i % 7), "in-" + i));
      plain.flush();
    }
    Map<String, Object> committedAfterAbort = new TreeMap<>();
    Map<String, Object> committed = new TreeMap<>();
    int transactions = 0;
    int aborted = 0;
    try (KafkaProducer<String, String> producer = transactional(bootstrap, transactionalId);
        KafkaConsumer<String, String> consumer = consumer(bootstrap, "read_committed", group)) {
      producer.initTransactions();
      consumer.subscribe(List.of(input));
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(input)) parts.add(new TopicPartition(input, info.partition()));
      long deadline = System.currentTimeMillis() + 60_000;
      int processed = 0;
      while (processed < n) {
        if (System.currentTimeMillis() > deadline) throw new IllegalStateException("consume-transform-produce timed out after " + processed);
        ConsumerRecords<String, String> records = consumer.poll(POLL);
        if (records.isEmpty()) continue;
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
          producer.send(new ProducerRecord<>(output, r.key(), r.value().toUpperCase()));
          next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
        if (aborted == 0) {
          producer.flush();
          producer.abortTransaction();
          aborted++;
          for (Map.Entry<TopicPartition, OffsetAndMetadata> e : consumer.committed(new java.util.HashSet<>(parts)).entrySet()) {
            committedAfterAbort.put(String.valueOf(e.getKey().partition()), e.getValue() == null ? null : e.getValue().offset());
          }
          // Reprocess the aborted records: rewind to what the group has committed (nothing yet: the start).
          for (TopicPartition tp : records.partitions()) consumer.seek(tp, records.records(tp).get(0).offset());
          continue;
        }
        producer.commitTransaction();
        transactions++;
        processed += records.count();
      }
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : consumer.committed(new java.util.HashSet<>(parts)).entrySet()) {
        committed.put(String.valueOf(e.getKey().partition()), e.getValue() == null ? null : e.getValue().offset());
      }
    }
    List<String> out = values(readAll(bootstrap, output, "read_committed"));
    List<String> all = values(readAll(bootstrap, output, "read_uncommitted"));
    Map<String, Object> ends = new TreeMap<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, "read_committed", null)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(input)) parts.add(new TopicPartition(input, info.partition()));
      for (Map.Entry<TopicPartition, Long> e : c.endOffsets(parts).entrySet()) ends.put(String.valueOf(e.getKey().partition()), e.getValue());
    }
    return Json.obj("scenario", "ctp", "transactions", transactions, "aborted", aborted, "committedAfterAbort", committedAfterAbort,
        "committed", committed, "inputEnds", ends, "outputCommitted", out, "outputAll", all.size());
  }
}
