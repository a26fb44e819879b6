package io.scalemanager.bench;

import io.scalemanager.core.tls.ClientTls;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * End-to-end load: {@code concurrency} workers post batches of states to a running server's
 * {@code POST /v1/states} for a fixed duration, while a sampler scrapes {@code GET /metrics} every second to see
 * how far the manager falls behind; then it waits for the queue to drain and prints one block of figures.
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.LoadGenerator \
 *     --url http://127.0.0.1:8080 --duration 60s --instances 10000 --batch 500 --concurrency 8
 * </pre>
 *
 * Exits 0 whatever the server answered (its answers are the measurement), 2 on bad arguments, 1 when the
 * generator itself failed.
 */
public final class LoadGenerator {
    private static final long MAX_LATENCY_US = Duration.ofMinutes(5).toNanos() / 1000;

    private final Options options;
    private final StateBodies bodies;
    private final AtomicLong cursor = new AtomicLong();
    /** Batches handed out so far under {@code --rate}: batch k may be sent at {@code start + k × batch / rate}. */
    private final AtomicLong tickets = new AtomicLong();
    private long paceStart;
    private final LongAdder acceptedSoFar = new LongAdder();

    LoadGenerator(Options options) {
        this.options = options;
        this.bodies = new StateBodies(options.instances, options.types);
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load-generator: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(Options.USAGE);
            return;
        }
        try {
            boolean ok = new LoadGenerator(options).run();
            System.exit(ok ? 0 : 1);
        } catch (Exception e) {
            System.err.println("load-generator failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** States accepted so far by this generator. */
    long accepted() {
        return acceptedSoFar.sum();
    }

    /** Runs the load and prints the report; false when a worker failed for a reason of its own. */
    boolean run() throws InterruptedException {
        return measure().ok();
    }

    /** States answered 202 over the load's duration, and whether no worker failed for a reason of its own. */
    record Result(long accepted, double seconds, boolean ok, double p99Ms) {
        double statesPerSecond() {
            return accepted / seconds;
        }
    }

    /** Runs the load, prints the report and returns its figures. */
    Result measure() throws InterruptedException {
        double capacity = measureBuildRate();
        System.err.printf(Locale.ROOT, "generator: builds %.0f states/s on one thread; starting %d workers for %ds%n",
                capacity, options.concurrency, options.duration.toSeconds());

        Sampler sampler = new Sampler();
        Thread samplerThread = new Thread(sampler, "metrics-sampler");
        samplerThread.setDaemon(true);

        long start = System.nanoTime();
        long deadline = start + options.duration.toNanos();
        paceStart = start;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < options.concurrency; i++) {
            Worker w = new Worker(i, deadline);
            workers.add(w);
            w.thread.start();
        }
        sampler.start = start;
        if (options.metricsUrl != null) {
            samplerThread.start();
        }
        // Workers stop at the deadline by themselves; a request in flight is bounded by its timeout.
        long joinBy = deadline + options.requestTimeout.toNanos() + Duration.ofSeconds(5).toNanos();
        for (Worker w : workers) {
            w.thread.join(Math.max(1, (joinBy - System.nanoTime()) / 1_000_000));
        }
        long loadEnd = System.nanoTime();
        sampler.loadEnded(loadEnd);
        for (Worker w : workers) {
            if (w.thread.isAlive()) {
                w.thread.interrupt();
            }
        }
        if (options.metricsUrl != null) {
            samplerThread.join(options.drainTimeout.toMillis() + 10_000);
        }

        Totals totals = Totals.of(workers);
        double seconds = (loadEnd - start) / 1e9;
        report(totals, seconds, capacity, sampler);
        return new Result(totals.accepted, seconds, totals.failures == 0,
                totals.latency.getTotalCount() == 0 ? Double.NaN : totals.latency.getValueAtPercentile(99) / 1000.0);
    }

    /** Single-thread body building rate, so a run can tell whether the generator could have been the limit. */
    private double measureBuildRate() {
        byte[] buf = new byte[bodies.capacityFor(options.batch)];
        long[] rng = {0x9E3779B97F4A7C15L};
        long index = 0;
        long sink = 0;
        long warmEnd = System.nanoTime() + 300_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += bodies.build(index, options.batch, System.currentTimeMillis(), buf, rng);
            index += options.batch;
        }
        long states = 0;
        long t0 = System.nanoTime();
        long t1;
        do {
            sink += bodies.build(index, options.batch, System.currentTimeMillis(), buf, rng);
            index += options.batch;
            states += options.batch;
            t1 = System.nanoTime();
        } while (t1 - t0 < 700_000_000L);
        if (sink == 42) {
            System.err.print(""); // keeps the JIT from discarding the loop
        }
        return states / ((t1 - t0) / 1e9);
    }

    private void report(Totals t, double seconds, double capacity, Sampler s) {
        StringBuilder out = new StringBuilder();
        out.append("=== ScaleManager load ===\n");
        line(out, "url", String.join(", ", options.urls));
        line(out, "load", String.format(Locale.ROOT, "%d workers × batches of %d states, %d instances × %s, %.1f s%s",
                options.concurrency, options.batch, options.instances, String.join("/", options.types), seconds,
                options.rate > 0 ? String.format(Locale.ROOT, ", paced to %.0f states/s", options.rate) : ""));
        line(out, "requests", Long.toString(t.requests));
        line(out, "requests/s", fmt(t.requests / seconds));
        line(out, "states sent", Long.toString(t.statesSent));
        line(out, "states accepted", Long.toString(t.accepted));
        line(out, "states/s", Long.toString(Math.round(t.accepted / seconds)));
        line(out, "non-202 answers", t.statuses.isEmpty() ? "none" : t.statuses.toString());
        line(out, "transport errors", t.transportErrors.isEmpty() ? "none" : t.transportErrors.toString());
        if (t.failures > 0) {
            line(out, "generator failures", Long.toString(t.failures));
        }
        Histogram h = t.latency;
        line(out, "latency ms", h.getTotalCount() == 0 ? "no answers"
                : String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  max %s  (mean %s)",
                        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                        ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()), ms(h.getMean())));
        line(out, "generator capacity", String.format(Locale.ROOT,
                "%.0f states/s per thread; building bodies took %.1f%% of worker time", capacity,
                100.0 * t.buildNanos / Math.max(1, t.workerNanos)));
        if (options.metricsUrl == null) {
            line(out, "queue lag", "not scraped (--metrics-url none)");
        } else if (s.scrapes == 0) {
            line(out, "queue lag", "no /metrics scrape succeeded (" + s.lastError + ")");
        } else {
            line(out, "queue lag max", fmt(s.maxLagDuringRun) + " s during the load; "
                    + fmt(s.lagAtLoadEnd) + " s when it stopped");
            line(out, "lag back to 0", s.drainedAfter >= 0
                    ? fmt(s.drainedAfter) + " s after the load stopped (lag 0, nothing pending)"
                    : "not within " + options.drainTimeout.toSeconds() + " s (last lag " + fmt(s.last.lagSeconds())
                    + " s, " + fmt(s.last.pendingEvents()) + " pending)");
            line(out, "pending events max", fmt(s.maxPendingDuringRun));
            line(out, "delivery delay p99", "max " + fmt(s.maxP99DuringRun) + " s during the load; "
                    + fmt(s.last.delayP99Seconds()) + " s at the end");
            line(out, "delivery delay p50", "max " + fmt(s.maxP50DuringRun) + " s during the load; "
                    + fmt(s.last.delayP50Seconds()) + " s at the end");
        }
        System.out.print(out);
        System.out.flush();
    }

    private static void line(StringBuilder out, String key, String value) {
        out.append(key).append(": ").append(value).append('\n');
    }

    private static String ms(double micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    /** One posting thread with its own HTTP/1.1 client, connection and counters; merged after the run. */
    private final class Worker implements Runnable {
        final Thread thread;
        final long deadline;
        final Histogram latency = new Histogram(MAX_LATENCY_US, 3);
        final Map<Integer, Long> statuses = new TreeMap<>();
        final Map<String, Long> transportErrors = new TreeMap<>();
        long requests;
        long statesSent;
        long accepted;
        long buildNanos;
        long workerNanos;
        long failures;

        final int id;

        Worker(int id, long deadline) {
            this.id = id;
            this.deadline = deadline;
            this.thread = new Thread(this, "load-worker-" + id);
        }

        @Override
        public void run() {
            HttpClient client = options.client();
            // Workers spread evenly over the URLs (several collectors behind no load balancer).
            URI uri = URI.create(options.urls.get(id % options.urls.size()) + "/v1/states");
            int batch = options.batch;
            long pace = options.rate > 0 ? Math.round(batch * 1e9 / options.rate) : 0;
            byte[] buf = new byte[bodies.capacityFor(batch)];
            long[] rng = {0x9E3779B97F4A7C15L ^ thread.getId() * 0xBF58476D1CE4E5B9L};
            long began = System.nanoTime();
            try {
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                    if (pace > 0) {
                        // Open-loop pacing shared by all workers: a late worker does not make the others wait.
                        long due = paceStart + tickets.getAndIncrement() * pace;
                        long wait = due - System.nanoTime();
                        if (due >= deadline) {
                            break;
                        }
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                    long first = cursor.getAndAdd(batch);
                    long t0 = System.nanoTime();
                    int length = bodies.build(first, batch, System.currentTimeMillis(), buf, rng);
                    long t1 = System.nanoTime();
                    buildNanos += t1 - t0;
                    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                            .timeout(options.requestTimeout)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(buf, 0, length));
                    if (options.token != null) {
                        request.header("Authorization", "Bearer " + options.token);
                    }
                    HttpResponse<String> response;
                    try {
                        // Synchronous: buf is reused only after the whole request has been sent and answered.
                        response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    } catch (IOException e) {
                        transportErrors.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                        Thread.sleep(100); // connection refused or reset: do not spin
                        continue;
                    }
                    latency.recordValue(Math.min(MAX_LATENCY_US, (System.nanoTime() - t1) / 1000));
                    requests++;
                    statesSent += batch;
                    if (response.statusCode() == 202) {
                        long n = acceptedOf(response.body());
                        accepted += n;
                        acceptedSoFar.add(n);
                    } else {
                        statuses.merge(response.statusCode(), 1L, Long::sum);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failures++;
                System.err.println(thread.getName() + " failed: " + e);
                e.printStackTrace();
            } finally {
                workerNanos = System.nanoTime() - began;
            }
        }
    }

    /** The N of {@code {"accepted": N}}; 0 when the body does not have one. */
    static long acceptedOf(String body) {
        int key = body.indexOf("\"accepted\"");
        if (key < 0) {
            return 0;
        }
        int i = body.indexOf(':', key) + 1;
        while (i > 0 && i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        long n = 0;
        for (; i > 0 && i < body.length() && Character.isDigit(body.charAt(i)); i++) {
            n = n * 10 + (body.charAt(i) - '0');
        }
        return n;
    }

    private record Totals(long requests, long statesSent, long accepted, long buildNanos, long workerNanos,
                          long failures, Histogram latency, Map<Integer, Long> statuses,
                          Map<String, Long> transportErrors) {
        static Totals of(List<Worker> workers) {
            long requests = 0;
            long sent = 0;
            long accepted = 0;
            long build = 0;
            long busy = 0;
            long failures = 0;
            Histogram latency = new Histogram(MAX_LATENCY_US, 3);
            Map<Integer, Long> statuses = new TreeMap<>();
            Map<String, Long> errors = new TreeMap<>();
            for (Worker w : workers) {
                requests += w.requests;
                sent += w.statesSent;
                accepted += w.accepted;
                build += w.buildNanos;
                busy += w.workerNanos;
                failures += w.failures + (w.thread.isAlive() ? 1 : 0);
                latency.add(w.latency);
                w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
                w.transportErrors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            }
            return new Totals(requests, sent, accepted, build, busy, failures, latency, statuses, errors);
        }
    }

    /**
     * Scrapes {@code /metrics} every second during the load and after it, until the queue has drained or the
     * drain timeout passes. Prints one progress line per scrape to stderr.
     */
    private final class Sampler implements Runnable {
        volatile long start;
        private volatile long loadEnd = -1;
        int scrapes;
        String lastError = "none";
        QueueMetrics last = new QueueMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double maxLagDuringRun;
        double maxPendingDuringRun;
        double maxP99DuringRun = Double.NaN;
        double maxP50DuringRun = Double.NaN;
        double lagAtLoadEnd = Double.NaN;
        double drainedAfter = -1;

        void loadEnded(long at) {
            loadEnd = at;
        }

        @Override
        public void run() {
            HttpClient client = options.client();
            HttpRequest request = HttpRequest.newBuilder(URI.create(options.metricsUrl + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            long previousAccepted = 0;
            long previousAt = start;
            long next = start + 1_000_000_000L;
            while (true) {
                long end = loadEnd;
                long now = System.nanoTime();
                if (end > 0 && now - end > options.drainTimeout.toNanos()) {
                    return;
                }
                try {
                    Thread.sleep(Math.max(0, (next - now) / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                next += 1_000_000_000L;
                QueueMetrics m;
                try {
                    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        lastError = "HTTP " + r.statusCode();
                        continue;
                    }
                    m = QueueMetrics.parse(r.body());
                } catch (IOException e) {
                    lastError = e.toString();
                    continue;
                } catch (InterruptedException e) {
                    return;
                }
                long at = System.nanoTime();
                end = loadEnd;
                boolean during = end < 0;
                scrapes++;
                last = m;
                if (during) {
                    maxLagDuringRun = max(maxLagDuringRun, m.lagSeconds());
                    maxPendingDuringRun = max(maxPendingDuringRun, m.pendingEvents());
                    maxP99DuringRun = max(maxP99DuringRun, m.delayP99Seconds());
                    maxP50DuringRun = max(maxP50DuringRun, m.delayP50Seconds());
                } else if (Double.isNaN(lagAtLoadEnd)) {
                    lagAtLoadEnd = m.lagSeconds();
                }
                long acceptedNow = acceptedSoFar.sum();
                System.err.printf(Locale.ROOT, "t=%5.1fs %s states/s=%-7d lag=%ss pending=%s delay p50=%ss p99=%ss%n",
                        (at - start) / 1e9, during ? "load " : "drain",
                        Math.round((acceptedNow - previousAccepted) / ((at - previousAt) / 1e9)),
                        fmt(m.lagSeconds()), fmt(m.pendingEvents()), fmt(m.delayP50Seconds()),
                        fmt(m.delayP99Seconds()));
                previousAccepted = acceptedNow;
                previousAt = at;
                if (!during && m.drained()) {
                    drainedAfter = (at - end) / 1e9;
                    return;
                }
            }
        }

        private static double max(double a, double b) {
            if (Double.isNaN(a)) {
                return b;
            }
            return Double.isNaN(b) ? a : Math.max(a, b);
        }
    }

    /** Command-line options; every one has a default. */
    static final class Options {
        static final String USAGE = """
                usage: LoadGenerator [--url http://127.0.0.1:8080[,URL...]] [--duration 60s] [--instances 10000]
                                     [--batch 500] [--concurrency 8] [--types cpu,ram,load] [--rate STATES/S]
                                     [--metrics-url URL|none] [--drain-timeout 120s] [--request-timeout 30s]
                                     [--token TOKEN] [--ca-file PEM]
                  several URLs: the workers take them in turn; --rate paces all workers together (default: as
                  fast as answers come); /metrics is scraped from --metrics-url (default the first URL).
                  durations take ms, s, m or h (a bare number is seconds); the token defaults to
                  $SCALEMANAGER_API_TOKEN; --ca-file: the CA certificates an https:// server's must chain to""";

        String url = "http://127.0.0.1:8080";
        List<String> urls = List.of(url);
        /** Null when /metrics is not scraped. */
        String metricsUrl;
        boolean metricsUrlSet;
        double rate;
        Duration duration = Duration.ofSeconds(60);
        int instances = 10_000;
        int batch = 500;
        int concurrency = 8;
        String[] types = {"cpu", "ram", "load"};
        Duration drainTimeout = Duration.ofSeconds(120);
        Duration requestTimeout = Duration.ofSeconds(30);
        String token = System.getenv("SCALEMANAGER_API_TOKEN");
        /** What https:// servers are verified with: the CA file of --ca-file, or the JDK's CAs. */
        ClientTls tls = ClientTls.SYSTEM;

        HttpClient client() {
            return tls.httpClient(Duration.ofSeconds(5)).build();
        }

        /** The options, or null when help was asked for. */
        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("-h") || flag.equals("--help")) {
                    return null;
                }
                String value;
                int eq = flag.indexOf('=');
                if (flag.startsWith("--") && eq > 0) {
                    value = flag.substring(eq + 1);
                    flag = flag.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                switch (flag) {
                    case "--url" -> {
                        List<String> list = new ArrayList<>();
                        for (String u : value.split(",")) {
                            list.add(u.endsWith("/") ? u.substring(0, u.length() - 1) : u);
                        }
                        o.urls = List.copyOf(list);
                        o.url = list.get(0);
                    }
                    case "--metrics-url" -> {
                        o.metricsUrlSet = true;
                        o.metricsUrl = value.equals("none") ? null
                                : value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                    }
                    case "--rate" -> o.rate = positive(flag, value, Integer.MAX_VALUE);
                    case "--duration" -> o.duration = duration(flag, value);
                    case "--instances" -> o.instances = positive(flag, value, Integer.MAX_VALUE);
                    case "--batch" -> o.batch = positive(flag, value, 10_000);
                    case "--concurrency" -> o.concurrency = positive(flag, value, 1024);
                    case "--types" -> o.types = value.split(",");
                    case "--drain-timeout" -> o.drainTimeout = duration(flag, value);
                    case "--request-timeout" -> o.requestTimeout = duration(flag, value);
                    case "--token" -> o.token = value;
                    case "--ca-file" -> o.tls = ClientTls.trusting(java.nio.file.Path.of(value));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            for (String u : o.urls) {
                if (!u.startsWith("http://") && !u.startsWith("https://")) {
                    throw new IllegalArgumentException("--url must start with http:// or https://, got " + u);
                }
            }
            if (!o.metricsUrlSet) {
                o.metricsUrl = o.url;
            }
            return o;
        }

        private static int positive(String flag, String value, int max) {
            try {
                int n = Integer.parseInt(value.replace("_", ""));
                if (n >= 1 && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " must be a whole number from 1 to " + max + ", got " + value);
        }

        static Duration duration(String flag, String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (v.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                } else if (v.endsWith("s")) {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
                } else if (v.endsWith("m")) {
                    d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
                } else if (v.endsWith("h")) {
                    d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                } else {
                    d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                }
                if (!d.isNegative() && !d.isZero()) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(flag + " must be a positive duration like 60s or 2m, got " + value);
        }
    }
}
