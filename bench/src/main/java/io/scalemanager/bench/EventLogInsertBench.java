package io.scalemanager.bench;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.history.jdbc.JdbcEventLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Raw insert capacity of the EventLog on the embedded H2 store, per commit size, with the production schema
 * and durability settings: what the group-commit writer can reach at best. Instances are drawn at random,
 * as reports from a large fleet arrive. Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.EventLogInsertBench [rows]}
 */
public final class EventLogInsertBench {
    private static final String[] TYPES = {"cpu", "ram", "load"};

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.println("=== EventLog raw insert capacity (H2 file, WRITE_DELAY=0, " + rows + " rows each) ===");
        for (int commitRows : new int[] {100, 250, 500, 1000, 2000, 5000, 20000}) {
            Path dir = Files.createTempDirectory("eventlog-bench");
            try (Database db = Database.open(new DatabaseSettings(DatabaseSettings.embeddedUrl(dir.toString()),
                    "", "", 2, Duration.ofSeconds(5)))) {
                JdbcEventLog log = new JdbcEventLog(db.dataSource());
                Random random = new Random(1);
                long seq = 0;
                long ts = System.currentTimeMillis();
                long start = System.nanoTime();
                for (int done = 0; done < rows; ) {
                    List<Event> batch = new ArrayList<>(commitRows);
                    for (int i = 0; i < commitRows && done < rows; i++, done++) {
                        batch.add(new Event(++seq, new State("vm-" + random.nextInt(10_000), TYPES[done % 3],
                                random.nextDouble() * 100, ts + done)));
                    }
                    log.append(batch);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("rows per commit %6d: %,8.0f rows/s%n", commitRows, rows / seconds);
            } finally {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
