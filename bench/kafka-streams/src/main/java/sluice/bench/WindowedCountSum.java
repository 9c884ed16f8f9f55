// The Kafka Streams baseline of Sluice's benchmark: drains the input topic from the beginning
// through a 1-minute tumbling count + sum per key (event time from JSON `ts`), RocksDB window
// store with changelog, window updates upserted to an output topic; prints one JSON result line.
package sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Usage: {@code WindowedCountSum --bootstrap-servers=H:P --input-topic=T --output-topic=O
 * --application-id=A --state-dir=D --expected-records=N [--commit-interval-ms=MS]
 * [--num-stream-threads=K] [--idle-timeout-ms=MS] [--delete-topics=true|false]}.
 *
 * <p>Exit 0 with {@code {"ok":true,...}} on stdout once N records went through the topology
 * and the app closed cleanly (its final commit flushed the cache, changelog and output);
 * exit 2 with {@code {"ok":false,"error":...}} when no record arrived for idle-timeout-ms or a
 * stream thread died. Everything else (Kafka's logs) goes to stderr.
 */
public final class WindowedCountSum {
  static final String STORE_NAME = "count-sum-store";
  static final Duration WINDOW_SIZE = Duration.ofMinutes(1);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private WindowedCountSum() {}

  /** The two fields the job reads from an input value; the rest of the JSON is ignored. */
  record Event(long tsMs, double amount) {}

  /** A window's running count and sum; stored as 16 bytes (count, sum) in RocksDB. */
  record CountSum(long count, double sum) {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = parseArgs(argv);
    String bootstrap = required(args, "bootstrap-servers");
    String inputTopic = required(args, "input-topic");
    String outputTopic = required(args, "output-topic");
    String applicationId = required(args, "application-id");
    String stateDir = required(args, "state-dir");
    long expected = Long.parseLong(required(args, "expected-records"));
    long idleTimeoutMs = Long.parseLong(args.getOrDefault("idle-timeout-ms", "120000"));
    boolean deleteTopics = Boolean.parseBoolean(args.getOrDefault("delete-topics", "true"));

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
    // Only what the caller asks for; everything else stays at Kafka Streams' defaults
    // (at_least_once, 1 stream thread, 10 MiB record cache, auto.offset.reset=earliest).
    if (args.containsKey("commit-interval-ms")) {
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, args.get("commit-interval-ms"));
    }
    if (args.containsKey("num-stream-threads")) {
      props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, args.get("num-stream-threads"));
    }
    StreamsConfig effective = new StreamsConfig(props);

    try (Admin admin = Admin.create(adminProps(bootstrap))) {
      createOutputTopic(admin, inputTopic, outputTopic);
    }

    Progress progress = new Progress(expected);
    Topology topology = buildTopology(inputTopic, outputTopic, progress);
    KafkaStreams streams = new KafkaStreams(topology, props);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          progress.done.countDown();
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });

    long startNs = System.nanoTime();
    streams.start();
    String error = progress.await(idleTimeoutMs, failure);

    Map<String, Object> result = new HashMap<>();
    if (error == null) {
      long droppedRecords = sumMetric(streams.metrics(), "dropped-records-total");
      long closeStartNs = System.nanoTime();
      // close() commits: flushes the record cache (window updates to the output topic and
      // the changelog) and the input offsets, so closeMs is the tail the run still owed.
      boolean closed = streams.close(closeOptions(120));
      long closeNs = System.nanoTime() - closeStartNs;
      long records = progress.count.get();
      double elapsedMs = (progress.lastNs - progress.firstNs) / 1e6;
      result.put("ok", closed);
      if (!closed) result.put("error", "KafkaStreams.close timed out after 120 s");
      result.put("records", records);
      result.put("elapsedMs", elapsedMs);
      // The first record has no interval before it: N records span N-1 gaps.
      result.put("eventsPerSec", elapsedMs > 0 ? (records - 1) / (elapsedMs / 1000) : 0);
      result.put("startupMs", (progress.firstNs - startNs) / 1e6);
      result.put("wallMs", (progress.lastNs - startNs) / 1e6);
      result.put("closeMs", closeNs / 1e6);
      result.put("cpuSecondsProcessing", (progress.lastCpuNs - progress.firstCpuNs) / 1e9);
      result.put("cpuSecondsTotal", progress.lastCpuNs / 1e9);
      result.put("cpuSecondsAfterClose", processCpuNs() / 1e9);
      result.put("peakRssMb", peakRssMb());
      result.put("outputRecords", progress.outputs.get());
      result.put("droppedRecords", droppedRecords);
      result.put("commitIntervalMs", effective.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
      result.put("numStreamThreads", effective.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
      result.put("processingGuarantee", effective.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    } else {
      streams.close(closeOptions(30));
      result.put("ok", false);
      result.put("error", error);
      result.put("records", progress.count.get());
    }
    streams.cleanUp();
    if (deleteTopics) {
      try (Admin admin = Admin.create(adminProps(bootstrap))) {
        deleteRunTopics(admin, applicationId, outputTopic);
      } catch (Exception e) {
        // The figures stand; the caller reports the leftovers.
        result.put("cleanupError", "could not delete the run's topics or group: " + e);
      }
    }
    System.out.println(MAPPER.writeValueAsString(result));
    System.out.flush();
    System.exit(Boolean.TRUE.equals(result.get("ok")) ? 0 : 2);
  }

  /**
   * source (String key, JSON value → Event, event time = ts) → peek (counts input) →
   * groupByKey (no repartition: the input is keyed already) → 1-minute tumbling windows, no
   * grace (Sluice's default) → aggregate into a RocksDB window store with changelog and the
   * default record cache → toStream → key {@code key|startMs}, value
   * {@code {"key","startMs","endMs","count","sum"}} (Sluice's window output) → output topic.
   */
  static Topology buildTopology(String inputTopic, String outputTopic, Progress progress) {
    Serde<Event> eventSerde = Serdes.serdeFrom(new EventSerializer(), new EventDeserializer());
    Serde<CountSum> countSumSerde =
        Serdes.serdeFrom(new CountSumSerializer(), new CountSumDeserializer());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            inputTopic,
            Consumed.with(Serdes.String(), eventSerde)
                // The value is deserialized before the extractor runs: JSON is parsed once.
                .withTimestampExtractor((record, partitionTimeMs) -> ((Event) record.value()).tsMs()))
        .peek((key, event) -> progress.onInput())
        .groupByKey(Grouped.with(Serdes.String(), eventSerde))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE))
        .aggregate(
            () -> new CountSum(0, 0.0),
            (key, event, acc) -> new CountSum(acc.count() + 1, acc.sum() + event.amount()),
            Materialized.<String, CountSum, WindowStore<Bytes, byte[]>>as(STORE_NAME)
                .withKeySerde(Serdes.String())
                .withValueSerde(countSumSerde))
        .toStream()
        .map(
            (windowed, acc) -> {
              progress.onOutput();
              String key = windowed.key();
              long startMs = windowed.window().start();
              ObjectNode value = MAPPER.createObjectNode();
              value.put("key", key);
              value.put("startMs", startMs);
              value.put("endMs", windowed.window().end());
              value.put("count", acc.count());
              value.put("sum", acc.sum());
              return KeyValue.pair(key + "|" + startMs, value.toString());
            })
        .to(outputTopic, Produced.with(Serdes.String(), Serdes.String()));
    return builder.build();
  }

  /** Counts records through the topology and timestamps the first and the N-th. */
  static final class Progress {
    final long expected;
    final AtomicLong count = new AtomicLong();
    final AtomicLong outputs = new AtomicLong();
    final CountDownLatch done = new CountDownLatch(1);
    volatile long firstNs;
    volatile long firstCpuNs;
    volatile long lastNs;
    volatile long lastCpuNs;

    Progress(long expected) {
      this.expected = expected;
    }

    void onInput() {
      long n = count.incrementAndGet();
      if (n == 1) {
        firstNs = System.nanoTime();
        firstCpuNs = processCpuNs();
      }
      if (n == expected) {
        lastNs = System.nanoTime();
        lastCpuNs = processCpuNs();
        done.countDown();
      }
    }

    void onOutput() {
      outputs.incrementAndGet();
    }

    /** Null once N records are in; else why not (no progress for idleTimeoutMs, or a crash). */
    String await(long idleTimeoutMs, AtomicReference<Throwable> failure)
        throws InterruptedException {
      long lastCount = -1;
      long lastChangeNs = System.nanoTime();
      for (;;) {
        if (done.await(1, TimeUnit.SECONDS)) {
          Throwable t = failure.get();
          return t == null ? null : "stream thread died: " + t;
        }
        long n = count.get();
        if (n != lastCount) {
          lastCount = n;
          lastChangeNs = System.nanoTime();
        } else if (System.nanoTime() - lastChangeNs > idleTimeoutMs * 1_000_000L) {
          return "no record for " + idleTimeoutMs + " ms after " + n + " of " + expected;
        }
      }
    }
  }

  static final class EventDeserializer implements Deserializer<Event> {
    @Override
    public Event deserialize(String topic, byte[] data) {
      if (data == null) return null;
      try {
        JsonNode node = MAPPER.readTree(data);
        return new Event(node.path("ts").asLong(), node.path("amount").asDouble());
      } catch (IOException e) {
        throw new org.apache.kafka.common.errors.SerializationException("bad JSON event", e);
      }
    }
  }

  /** Only for the serde's other half: groupByKey without a key change never repartitions. */
  static final class EventSerializer implements Serializer<Event> {
    @Override
    public byte[] serialize(String topic, Event event) {
      if (event == null) return null;
      ObjectNode node = MAPPER.createObjectNode();
      node.put("ts", event.tsMs());
      node.put("amount", event.amount());
      return node.toString().getBytes(StandardCharsets.UTF_8);
    }
  }

  static final class CountSumSerializer implements Serializer<CountSum> {
    @Override
    public byte[] serialize(String topic, CountSum acc) {
      if (acc == null) return null;
      return ByteBuffer.allocate(16).putLong(acc.count()).putDouble(acc.sum()).array();
    }
  }

  static final class CountSumDeserializer implements Deserializer<CountSum> {
    @Override
    public CountSum deserialize(String topic, byte[] data) {
      if (data == null) return null;
      ByteBuffer buffer = ByteBuffer.wrap(data);
      return new CountSum(buffer.getLong(), buffer.getDouble());
    }
  }

  /** Same partition count as the input, so each task writes its own output partition. */
  static void createOutputTopic(Admin admin, String inputTopic, String outputTopic)
      throws Exception {
    TopicDescription input =
        admin.describeTopics(List.of(inputTopic)).allTopicNames().get().get(inputTopic);
    try {
      admin
          .createTopics(List.of(new NewTopic(outputTopic, input.partitions().size(), (short) 1)))
          .all()
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) throw e;
    }
  }

  /** The output topic, the app's internal topics (`<applicationId>-…`) and its group. */
  static void deleteRunTopics(Admin admin, String applicationId, String outputTopic)
      throws Exception {
    Set<String> names = admin.listTopics().names().get();
    List<String> doomed = new ArrayList<>();
    for (String name : names) {
      if (name.equals(outputTopic) || name.startsWith(applicationId + "-")) doomed.add(name);
    }
    if (!doomed.isEmpty()) admin.deleteTopics(doomed).all().get();
    admin.deleteConsumerGroups(List.of(applicationId)).all().get();
  }

  /**
   * Leaves the group on close (Kafka Streams stays a member until the session times out by
   * default), so that the group can be deleted right after the run.
   */
  static CloseOptions closeOptions(long timeoutSeconds) {
    return CloseOptions.timeout(Duration.ofSeconds(timeoutSeconds))
        .withGroupMembershipOperation(GroupMembershipOperation.LEAVE_GROUP);
  }

  static Properties adminProps(String bootstrap) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return props;
  }

  static long sumMetric(Map<MetricName, ? extends Metric> metrics, String name) {
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      if (!entry.getKey().name().equals(name)) continue;
      Object value = entry.getValue().metricValue();
      if (value instanceof Number number) total += number.doubleValue();
    }
    return (long) total;
  }

  /** CPU time of the whole JVM process (all threads, RocksDB's native ones included). */
  static long processCpuNs() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** VmHWM (peak resident set, heap + RocksDB + everything native) in MiB; -1 off Linux. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring("VmHWM:".length()).trim().split("\\s+")[0];
          return Long.parseLong(kb) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux: the runner reports no peak RSS then.
    }
    return -1;
  }

  static Map<String, String> parseArgs(String[] argv) {
    Map<String, String> args = new HashMap<>();
    for (String arg : argv) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new IllegalArgumentException("expected --name=value, got " + arg);
      }
      int eq = arg.indexOf('=');
      args.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    return args;
  }

  static String required(Map<String, String> args, String name) {
    String value = args.get(name);
    if (value == null) throw new IllegalArgumentException("missing --" + name + "=...");
    return value;
  }
}
