package io.scalemanager.bench;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.history.jdbc.EventLogReplay;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.backtest.BacktestReport;
import io.scalemanager.manager.backtest.BacktestSettings;
import io.scalemanager.manager.backtest.Backtester;
import io.scalemanager.manager.backtest.RuleSummary;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

/**
 * The backtest's speed on a large EventLog (an H2 file, as the all-in-one keeps it): events/s end to end
 * ({@code rules backtest}'s own path: {@link Backtester} over {@link EventLogReplay}) and, side by side in the
 * same run, the reading alone, so the share of the time spent reading shows, each with one reader thread and with
 * two, and the process's CPU per event (the share of it spent reading). The EventLog is a fleet of 1,000
 * VMs reporting load, cpu, ram and cpus every 10 s (10M events: about 7 hours), its load following a slow wave
 * with noise so the rules fire now and then. The filled file is kept in DIR and reused by the next run (its
 * secondary index dropped, see {@link #fill}). Run:
 * {@code java -cp 'bench/target/lib/*:bench/target/classes' io.scalemanager.bench.BacktestBench [events] [DIR]}
 */
public final class BacktestBench {
    private static final int VMS = 1000;
    private static final String[] TYPES = {"load", "cpu", "ram", "cpus"};
    private static final long T0 = 1_764_547_200_000L;
    private static final String RULES = """
            limits:
              "*": {cpu: [1, 16], ram: [1024, 65536]}
            rules:
              - name: cpu-up
                when: load > 4
                for: 1m
                then: cpu +1
                cooldown: 5m
              - name: cpu-down
                when: load < 1
                for: 10m
                then: cpu -1
                cooldown: 10m
              - name: ram-up
                when: p90(ram) > 85
                for: 5m
                then: ram +1024
                cooldown: 10m
              - name: busy
                when: {all: [cpu > 90, load > 6]}
                for: 2m
                then: alert
                cooldown: 30m
            """;

    private BacktestBench() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        Path dir = args.length > 1 ? Path.of(args[1]) : Path.of("bench/target/backtest-eventlog");
        Files.createDirectories(dir);
        try (Database db = Database.open(new DatabaseSettings(DatabaseSettings.embeddedUrl(dir.toAbsolutePath()
                .toString()), "", "", 4, Duration.ofSeconds(5), Duration.ofHours(1)))) {
            long have = count(db);
            if (have != events) {
                fill(db, events);
            }
            long rounds = events / (VMS * TYPES.length);
            long fromMs = T0;
            long toMs = T0 + rounds * 10_000 + 1;
            Ruleset ruleset = RulesetParser.parse(RULES, "backtest-bench-rules.yaml");
            System.out.printf("=== Backtest of %,d events (%d VMs x %d types every 10 s), H2 file, %d cores ===%n",
                    events, VMS, TYPES.length, Runtime.getRuntime().availableProcessors());
            BacktestReport[] last = new BacktestReport[2];
            for (int round = 1; round <= 2; round++) {
                for (int readers : new int[] {1, 2}) {
                    EventLogReplay reader = new EventLogReplay(db.dataSource(), readers);
                    Backtester backtester = new Backtester(reader::replay,
                            new ActionLog(db.dataSource(), Clock.systemUTC()),
                            new Pauses(db.dataSource(), Clock.systemUTC()),
                            new BacktestSettings(Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(5),
                                    new Size(2, 4096, 50), false));
                    long[] read = {0};
                    long start = System.nanoTime();
                    long cpu = processCpuNanos();
                    reader.replay(EventSequence.firstAt(fromMs - 3_600_000), EventSequence.firstAt(toMs),
                            e -> read[0]++);
                    double readSeconds = (System.nanoTime() - start) / 1e9;
                    double readCpu = (processCpuNanos() - cpu) / 1e9;
                    start = System.nanoTime();
                    cpu = processCpuNanos();
                    BacktestReport report = backtester.run(ruleset, fromMs, toMs, InstancePattern.ANY,
                            Long.MAX_VALUE);
                    double endToEnd = (System.nanoTime() - start) / 1e9;
                    double endToEndCpu = (processCpuNanos() - cpu) / 1e9;
                    System.out.printf("round %d, %d reader(s): reading alone %,.0f events/s (%.1f s); end to end "
                                    + "%,.0f events/s (%.1f s); reading is %.0f%% of the end-to-end time%n", round,
                            readers, read[0] / readSeconds, readSeconds, report.events() / endToEnd, endToEnd,
                            100 * readSeconds / endToEnd);
                    // CPU of the whole process (every thread, the GC's and H2's included): what an event costs,
                    // and how much of the machine's cores the run kept busy.
                    System.out.printf("  cpu: reading %.2f µs/event, end to end %.2f µs/event (reading %.0f%% of "
                                    + "it); end to end kept %.2f cores busy%n", 1e6 * readCpu / read[0],
                            1e6 * endToEndCpu / report.events(),
                            100 * (readCpu / read[0]) / (endToEndCpu / report.events()), endToEndCpu / endToEnd);
                    last[readers == 1 ? 0 : 1] = report;
                }
            }
            System.out.printf("the backtest with 2 readers equals the one with 1 reader: %s%n",
                    last[0].equals(last[1]));
            for (RuleSummary r : last[1].rules()) {
                System.out.printf("  %-9s fired %,d on %,d instances, up %,d, down %,d, flaps %,d, "
                        + "at_limit %,d, alerts %,d%n", r.rule(), r.fired(), r.instances(), r.up(), r.down(),
                        r.flaps(), r.atLimit(), r.alerts());
            }
        }
    }

    /** CPU time of this process so far, every thread included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long count(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reports every 10 s from each VM, each VM at its own millisecond of the round, as a fleet's arrive: generated
     * inside H2 (INSERT ... SELECT over SYSTEM_RANGE, a million rows per transaction), because filling 10M rows
     * through JDBC batches took longer than this shared machine gave it (3M rows in 25 min, a 9 GB file). The
     * EventLog's secondary index (instance, type, ts) is dropped first: a backtest reads by the primary key only,
     * and keeping the index made the fill the slowest part of the run.
     */
    private static void fill(Database db, long events) throws Exception {
        System.out.printf("filling the EventLog with %,d events...%n", events);
        long start = System.nanoTime();
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM event_log");
                st.execute("DROP INDEX IF EXISTS event_log_instance_type_ts");
            }
            c.commit();
            // n numbers the events: round n / 4000, VM (n / 4) % 1000, type n % 4. Load follows a 3-hour wave per
            // VM (phase by the golden angle) around a base of 0.5-3.5, with noise; cpu follows load; ram the wave.
            String sql = "INSERT INTO event_log (seq, instance, type, ts, val) SELECT "
                    + "(ts + 20) * 64000 + t, 'vm-' || LPAD(CAST(vm AS VARCHAR), 4, '0'), "
                    + "CASE t WHEN 0 THEN 'load' WHEN 1 THEN 'cpu' WHEN 2 THEN 'ram' ELSE 'cpus' END, ts, "
                    + "CASE t WHEN 0 THEN load WHEN 1 THEN LEAST(100, load * 20) WHEN 2 THEN 60 + 30 * wave "
                    + "ELSE 2 END FROM (SELECT ts, vm, t, wave, ROUND(GREATEST(0, 0.5 + MOD(vm * 37, 100) / 33.0 "
                    + "+ 3 * wave + (RAND() - 0.5) * 0.6), 2) AS load FROM (SELECT ts, vm, t, "
                    + "SIN(ts / 1800000.0 + vm * 2.399) AS wave FROM (SELECT ? + (X / 4000) * 10000 + MOD(X / 4, "
                    + VMS + ") * 10 AS ts, MOD(X / 4, " + VMS + ") AS vm, MOD(X, 4) AS t FROM SYSTEM_RANGE(?, ?))))";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (long from = 0; from < events; from += 1_000_000) {
                    ps.setLong(1, T0);
                    ps.setLong(2, from);
                    ps.setLong(3, Math.min(events, from + 1_000_000) - 1);
                    ps.executeUpdate();
                    c.commit();
                    System.out.printf("  %,d events%n", Math.min(events, from + 1_000_000));
                }
            }
        }
        System.out.printf("filled in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }
}
