package io.scalemanager.manager.backtest;

import io.scalemanager.core.time.DurationText;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A backtest for people: one line per rule, then every flap named by its instance. */
public final class BacktestTable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final String[] HEADER = {"rule", "fired", "instances", "up", "down", "flaps", "at_limit",
            "alerts", "would_fire"};

    private BacktestTable() {
    }

    public static String format(BacktestReport report) {
        StringBuilder out = new StringBuilder();
        long dry = report.actions().stream().filter(SimulatedAction::dryRun).count();
        long acted = report.actions().size() - dry;
        out.append(String.format(Locale.ROOT, "%,d events from %s to %s; %,d would-be %s%s%n", report.events(),
                TIME.format(Instant.ofEpochMilli(report.fromMs())), TIME.format(Instant.ofEpochMilli(report.toMs())),
                acted, acted == 1 ? "action" : "actions", dry == 0 ? "" : String.format(Locale.ROOT,
                        ", and %,d dry-run %s (would_fire)", dry, dry == 1 ? "resize" : "resizes")));
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RuleSummary r : report.rules()) {
            rows.add(new String[] {r.rule(), n(r.fired()), n(r.instances()), n(r.up()), n(r.down()), n(r.flaps()),
                    n(r.atLimit()), n(r.alerts()), n(r.wouldFire())});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                // The rule name left-aligned, the counts right-aligned.
                String pad = " ".repeat(width[i] - cell.length());
                line.append(i == 0 ? cell + pad : "  " + pad + cell);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (!report.flaps().isEmpty()) {
            out.append(String.format("flaps (a change undone within %s):%n",
                    DurationText.format(Backtest.FLAP_WINDOW)));
            for (Flap f : report.flaps()) {
                SimulatedAction a = f.change();
                SimulatedAction b = f.undo();
                out.append(String.format(Locale.ROOT, "  %s: %s %d → %d by %s at %s, back to %d by %s at %s%n",
                        a.instance(), a.component().wireName(), a.from(), a.to(), a.rule(),
                        TIME.format(Instant.ofEpochMilli(a.timeMs())), b.to(), b.rule(),
                        TIME.format(Instant.ofEpochMilli(b.timeMs()))));
            }
        }
        return out.toString();
    }

    private static String n(long v) {
        return Long.toString(v);
    }
}
