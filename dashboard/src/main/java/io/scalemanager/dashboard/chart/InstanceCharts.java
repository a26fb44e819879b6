package io.scalemanager.dashboard.chart;

import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.SampleStep;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.alert.Alert;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.rules.Condition;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Builds an {@link InstanceChart}: each type in the range reduced to at most {@code points} steps while it is read
 * (average, minimum and maximum per step, {@link EventLog#steps}), so a day of 10 s samples of 11 types travels as
 * about 11,000 points and draws at once; a spike stays visible as its step's maximum.
 */
public final class InstanceCharts {
    private static final int MARKERS = 1000;

    private final EventLog eventLog;
    private final Fleet fleet;
    private final ActionLog actionLog;
    private final AlertLog alertLog;
    private final Supplier<Ruleset> ruleset;

    public InstanceCharts(EventLog eventLog, Fleet fleet, ActionLog actionLog, AlertLog alertLog,
                          Supplier<Ruleset> ruleset) {
        this.eventLog = eventLog;
        this.fleet = fleet;
        this.actionLog = actionLog;
        this.alertLog = alertLog;
        this.ruleset = ruleset;
    }

    /**
     * @param types the types to chart; empty: every type the instance reports (as the fleet view knows them)
     *              and every type a rule for it watches
     */
    public InstanceChart chart(String instance, long fromMs, long toMs, int points, Set<String> types) {
        Ruleset rules = ruleset.get();
        Optional<Fleet.InstanceView> view = fleet.get(instance);
        Set<String> charted = new TreeSet<>(types);
        if (charted.isEmpty()) {
            view.ifPresent(v -> charted.addAll(v.values().keySet()));
            for (Rule r : rules.rules()) {
                if (r.instances().matches(instance)) {
                    charted.addAll(r.types());
                }
            }
        }
        long step = Math.max(1, (toMs - fromMs) / Math.max(1, points));
        long samples = 0;
        boolean reduced = false;
        List<InstanceChart.Series> series = new ArrayList<>();
        for (String type : charted) {
            List<SampleStep> steps = eventLog.steps(instance, type, fromMs, toMs, step);
            List<double[]> out = new ArrayList<>(steps.size());
            for (SampleStep s : steps) {
                samples += s.count();
                reduced |= s.count() > 1;
                // A step of one sample is that sample, at its own time; a step of several is drawn at its start.
                double t = (s.count() == 1 ? s.firstMs() : s.startMs()) / 1000.0;
                out.add(new double[]{t, s.avg(), s.min(), s.max()});
            }
            series.add(new InstanceChart.Series(type, out));
        }
        List<InstanceChart.Threshold> thresholds = new ArrayList<>();
        for (Rule r : rules.rules()) {
            if (!r.instances().matches(instance)) {
                continue;
            }
            // Each comparison of the rule's condition is a line on its type's chart (p95(cpu) > 80 on cpu's).
            for (Condition c : r.when().conditions()) {
                if (charted.contains(c.type())) {
                    thresholds.add(new InstanceChart.Threshold(r.name(), c.type(), c.op().symbol(), c.threshold(),
                            c.describe(), r.then().describe()));
                }
            }
        }
        List<Action> actions = actionsBetween(instance, fromMs, toMs);
        return new InstanceChart(instance, EpochSeconds.fromMillis(fromMs), EpochSeconds.fromMillis(toMs),
                reduced ? Math.max(1, step / 1000) : 0, samples, series,
                thresholds, actionMarkers(actions), alertMarkers(instance, fromMs, toMs), sizes(actions, toMs),
                view.map(v -> EpochSeconds.fromMillis(v.lastSeenMs())).orElse(null));
    }

    private List<Action> actionsBetween(String instance, long fromMs, long toMs) {
        List<Action> out = new ArrayList<>();
        for (Action a : actionLog.list(Optional.of(instance), Optional.empty(), MARKERS)) {
            if (a.createdAtMs() >= fromMs && a.createdAtMs() <= toMs) {
                out.add(a);
            }
        }
        return out;
    }

    private static List<InstanceChart.Marker> actionMarkers(List<Action> actions) {
        List<InstanceChart.Marker> out = new ArrayList<>();
        for (Action a : actions) {
            String label = a.change().component().wireName() + " "
                    + (a.fromValue() == null ? "?" : a.fromValue()) + " → "
                    + (a.toValue() == null ? "?" : a.toValue());
            out.add(new InstanceChart.Marker(a.id(), EpochSeconds.fromMillis(a.createdAtMs()), a.rule(), label,
                    a.status().wireName()));
        }
        return out;
    }

    private List<InstanceChart.Marker> alertMarkers(String instance, long fromMs, long toMs) {
        List<InstanceChart.Marker> out = new ArrayList<>();
        for (Alert a : alertLog.list(Optional.of(instance), MARKERS)) {
            if (a.timeMs() >= fromMs && a.timeMs() <= toMs) {
                out.add(new InstanceChart.Marker(a.id(), EpochSeconds.fromMillis(a.timeMs()), a.rule(),
                        a.message(), a.severity().wireName()));
            }
        }
        return out;
    }

    /**
     * The size of each resized component over the range, as steps {@code [time, value]}: the size before the
     * first action in the range, then each succeeded action's new size when it finished.
     */
    private static Map<String, List<double[]>> sizes(List<Action> newestFirst, long toMs) {
        Map<String, List<double[]>> out = new TreeMap<>();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            Action a = newestFirst.get(i);
            if (a.status() != ActionStatus.SUCCEEDED || a.toValue() == null || a.finishedAtMs() == null) {
                continue;
            }
            List<double[]> steps = out.computeIfAbsent(a.change().component().wireName(), c -> new ArrayList<>());
            if (steps.isEmpty() && a.fromValue() != null) {
                steps.add(new double[]{a.createdAtMs() / 1000.0, a.fromValue()});
            }
            steps.add(new double[]{a.finishedAtMs() / 1000.0, a.toValue()});
        }
        out.values().forEach(steps -> steps.add(new double[]{toMs / 1000.0,
                steps.get(steps.size() - 1)[1]}));
        return out;
    }
}
