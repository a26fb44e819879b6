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
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetParser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * The backtest's speed on a large EventLog (an H2 file, as the all-in-one keeps it): events/s end to end
 * ({@code rules backtest}'s own path: {@link Backtester} over {@link EventLogReplay}) and, side by side in the
 * same run, the reading alone, so the share of the time spent reading shows. The EventLog is a fleet of 1,000
 * VMs reporting load, cpu, ram and cpus every 10 s (10M events: about 7 hours), its load following a slow wave
 * with noise so the rules fire now and then. The filled file is kept in DIR and reused by the next run. Run:
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
                .toString()), "", "", 2, Duration.ofSeconds(5), Duration.ofHours(1)))) {
            long have = count(db);
            if (have != events) {
                fill(db, events);
            }
            long rounds = events / (VMS * TYPES.length);
            long fromMs = T0;
            long toMs = T0 + rounds * 10_000 + 1;
            Ruleset ruleset = RulesetParser.parse(RULES, "backtest-bench-rules.yaml");
            Backtester backtester = new Backtester(new EventLogReplay(db.dataSource())::replay,
                    new ActionLog(db.dataSource(), Clock.systemUTC()),
                    new BacktestSettings(Duration.ofMinutes(10), Duration.ofMinutes(2), Duration.ofMinutes(5),
                            new Size(2, 4096, 50)));
            EventLogReplay reader = new EventLogReplay(db.dataSource());
            System.out.printf("=== Backtest of %,d events (%d VMs x %d types every 10 s), H2 file, %d cores ===%n",
                    events, VMS, TYPES.length, Runtime.getRuntime().availableProcessors());
            for (int round = 1; round <= 2; round++) {
                long[] read = {0};
                long start = System.nanoTime();
                reader.replay(EventSequence.firstAt(fromMs - 3_600_000), EventSequence.firstAt(toMs), e -> read[0]++);
                double readSeconds = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                BacktestReport report = backtester.run(ruleset, fromMs, toMs, InstancePattern.ANY, Long.MAX_VALUE);
                double endToEnd = (System.nanoTime() - start) / 1e9;
                System.out.printf("round %d: reading alone %,.0f events/s (%.1f s); end to end %,.0f events/s "
                                + "(%.1f s); reading is %.0f%% of the end-to-end time%n", round, read[0] / readSeconds,
                        readSeconds, report.events() / endToEnd, endToEnd, 100 * readSeconds / endToEnd);
                if (round == 2) {
                    for (RuleSummary r : report.rules()) {
                        System.out.printf("  %-9s fired %,d on %,d instances, up %,d, down %,d, flaps %,d, "
                                + "at_limit %,d, alerts %,d%n", r.rule(), r.fired(), r.instances(), r.up(), r.down(),
                                r.flaps(), r.atLimit(), r.alerts());
                    }
                }
            }
        }
    }

    private static long count(Database db) throws Exception {
        try (Connection c = db.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM event_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reports every 10 s from each VM, each VM at its own millisecond of the round, as a fleet's arrive. */
    private static void fill(Database db, long events) throws Exception {
        System.out.printf("filling the EventLog with %,d events...%n", events);
        long start = System.nanoTime();
        Random random = new Random(7);
        double[] phase = new double[VMS];
        double[] base = new double[VMS];
        for (int i = 0; i < VMS; i++) {
            phase[i] = random.nextDouble() * Math.PI * 2;
            base[i] = 0.5 + random.nextDouble() * 3;
        }
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("DELETE FROM event_log");
            }
            c.commit();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO event_log (seq, instance, type, ts, val) VALUES (?, ?, ?, ?, ?)")) {
                long written = 0;
                for (long round = 0; written < events; round++) {
                    for (int vm = 0; vm < VMS && written < events; vm++) {
                        long ts = T0 + round * 10_000 + vm * 10L;
                        double wave = Math.sin(ts / 1_800_000.0 + phase[vm]);
                        double load = Math.max(0, base[vm] + 3 * wave + random.nextGaussian() * 0.3);
                        double[] values = {load, Math.min(100, load * 20), Math.min(100, 60 + 30 * wave), 2};
                        String instance = String.format("vm-%04d", vm);
                        for (int t = 0; t < TYPES.length && written < events; t++) {
                            ps.setLong(1, EventSequence.firstAt(ts + 20) + t);
                            ps.setString(2, instance);
                            ps.setString(3, TYPES[t]);
                            ps.setLong(4, ts);
                            ps.setDouble(5, Math.round(values[t] * 100) / 100.0);
                            ps.addBatch();
                            written++;
                        }
                    }
                    if (round % 5 == 4 || written >= events) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
        }
        System.out.printf("filled in %.0f s%n", (System.nanoTime() - start) / 1e9);
    }
}
