import java.io.FileWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client's producer on its defaults (since Kafka 3.0: enable.idempotence=true, acks=all,
 * retries unlimited within delivery.timeout.ms) writing v-0, v-1, ... (keys cycling over 997) at RATE
 * records a second until STOP_FILE exists, then flushing and writing the acks ledger: [partition,
 * offset, i] per successful send, as JSON. test/replication-cluster/java-ledger.ts runs it in source-file
 * mode (java -cp 'test/java/target/lib/*' LedgerProducer.java BOOTSTRAP TOPIC RATE ACKS_FILE
 * STOP_FILE), with the jars of the Java client harness. Prints JSON lines: {"event":"progress",...}
 * every 200 ms, {"event":"done",...} last; a failed send's exception says whether it is retriable.
 */
public final class LedgerProducer {
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    int rate = Integer.parseInt(args[2]);
    Path acksFile = Path.of(args[3]);
    Path stopFile = Path.of(args[4]);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());

    List<long[]> acked = new ArrayList<>();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = new ArrayList<>();
    int sent = 0;
    long t0 = System.nanoTime();
    long lastReport = 0;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      while (!Files.exists(stopFile)) {
        for (int k = 0; k < 100; k++, sent++) {
          final int i = sent;
          producer.send(new ProducerRecord<>(topic, "key-" + (i % 997), "v-" + i), (md, err) -> {
            if (err == null) {
              synchronized (acked) {
                acked.add(new long[] {md.partition(), md.offset(), i});
              }
            } else {
              failed.incrementAndGet();
              synchronized (failures) {
                if (failures.size() < 10) failures.add("v-" + i + ": " + err.getClass().getName() + " (retriable " + (err instanceof RetriableException) + "): " + err.getMessage());
              }
            }
          });
        }
        long ahead = (long) (sent * 1e9 / rate) - (System.nanoTime() - t0);
        if (ahead > 0) Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
        if (System.nanoTime() - lastReport > 200_000_000L) {
          lastReport = System.nanoTime();
          int n;
          synchronized (acked) {
            n = acked.size();
          }
          System.out.println("{\"event\":\"progress\",\"acked\":" + n + ",\"sent\":" + sent + "}");
          System.out.flush();
        }
      }
      producer.flush();
    }
    try (Writer w = new FileWriter(acksFile.toFile())) {
      w.write('[');
      for (int k = 0; k < acked.size(); k++) {
        long[] a = acked.get(k);
        if (k > 0) w.write(',');
        w.write("[" + a[0] + "," + a[1] + "," + a[2] + "]");
      }
      w.write(']');
    }
    StringBuilder f = new StringBuilder("[");
    for (int k = 0; k < failures.size(); k++) f.append(k > 0 ? "," : "").append(quote(failures.get(k)));
    f.append(']');
    System.out.println("{\"event\":\"done\",\"sent\":" + sent + ",\"acked\":" + acked.size() + ",\"failed\":" + failed.get() + ",\"failures\":" + f + "}");
    System.out.flush();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
}
