package io.scalemanager.dashboard.fleet;

import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The fleet page's data: filters, sorts and pages the whole fleet in memory (10,000 instances in a few
 * milliseconds), and only for the rows of the page asks the ActionLog for the last action and the instance API for
 * the size. A status comes from what the manager knows now: the reports' ages, the actions that hold a lock.
 */
public final class FleetSummary {
    private static final long SIZE_WAIT_MS = 2_000;

    private final Fleet fleet;
    private final ActionLog actionLog;
    private final Supplier<Ruleset> ruleset;
    private final Function<String, CompletableFuture<Optional<Size>>> sizes;
    private final Duration stoppedReportingAfter;
    private final Clock clock;

    /**
     * @param sizes                 an instance's size from the instance API
     * @param stoppedReportingAfter an instance silent for longer is shown as {@code stopped_reporting}
     */
    public FleetSummary(Fleet fleet, ActionLog actionLog, Supplier<Ruleset> ruleset,
                        Function<String, CompletableFuture<Optional<Size>>> sizes, Duration stoppedReportingAfter,
                        Clock clock) {
        this.fleet = fleet;
        this.actionLog = actionLog;
        this.ruleset = ruleset;
        this.sizes = sizes;
        this.stoppedReportingAfter = stoppedReportingAfter;
        this.clock = clock;
    }

    public FleetPage page(FleetQuery q) {
        long now = clock.millis();
        Ruleset rules = ruleset.get();
        Map<String, Status> lockHolders = lockHolders(rules, now);
        List<Fleet.InstanceView> all = fleet.all();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (InstanceStatus s : InstanceStatus.values()) {
            counts.put(s.wireName(), 0);
        }
        List<Fleet.InstanceView> matching = new ArrayList<>();
        Map<String, Status> statusOf = new HashMap<>();
        for (Fleet.InstanceView v : all) {
            if (!q.instances().matches(v.instance())) {
                continue;
            }
            Status s = status(v, lockHolders.get(v.instance()), now);
            counts.merge(s.status().wireName(), 1, Integer::sum);
            if (q.status().isEmpty() || q.status().get() == s.status()) {
                matching.add(v);
                statusOf.put(v.instance(), s);
            }
        }
        matching.sort(order(q, statusOf));
        int from = Math.min(matching.size(), q.page() * q.size());
        List<Fleet.InstanceView> page = matching.subList(from, Math.min(matching.size(), from + q.size()));

        List<CompletableFuture<Optional<Size>>> pending = new ArrayList<>(page.size());
        for (Fleet.InstanceView v : page) {
            pending.add(sizes.apply(v.instance()));
        }
        List<FleetRow> rows = new ArrayList<>(page.size());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SIZE_WAIT_MS);
        for (int i = 0; i < page.size(); i++) {
            Fleet.InstanceView v = page.get(i);
            Status s = statusOf.get(v.instance());
            rows.add(new FleetRow(v.instance(), EpochSeconds.fromMillis(v.lastSeenMs()), v.values(),
                    size(pending.get(i), deadline), s.status().wireName(), s.why(), lastAction(v.instance()),
                    sparklines(v.instance(), now)));
        }
        return new FleetPage(matching.size(), q.page(), q.size(), counts, List.copyOf(rules.types()), rows);
    }

    /** A status and the words behind it. */
    private record Status(InstanceStatus status, String why) {
    }

    private Status status(Fleet.InstanceView v, Status lock, long now) {
        if (now - v.lastSeenMs() > stoppedReportingAfter.toMillis()) {
            return new Status(InstanceStatus.STOPPED_REPORTING, "no report for "
                    + (now - v.lastSeenMs()) / 1000 + " s");
        }
        return lock != null ? lock : new Status(InstanceStatus.OK, "");
    }

    /**
     * The instances whose actions hold a lock now: running or pending ones (firing), and finished ones within
     * their cooldown. The longest cooldown of the ruleset bounds how far back the ActionLog is read.
     */
    private Map<String, Status> lockHolders(Ruleset rules, long now) {
        long longestCooldown = 0;
        for (Rule r : rules.rules()) {
            longestCooldown = Math.max(longestCooldown, r.cooldown().toMillis());
        }
        Map<String, Status> holders = new HashMap<>();
        for (Action a : actionLog.unfinishedOrFinishedSince(now - longestCooldown)) {
            Status s;
            if (a.finishedAtMs() == null) {
                s = new Status(InstanceStatus.FIRING, "action " + a.id() + " (" + a.rule() + ") is "
                        + a.status().wireName());
            } else if (a.finishedAtMs() != null && a.finishedAtMs() + a.cooldownMs() > now) {
                s = new Status(InstanceStatus.COOLING_DOWN, a.change().component().wireName() + " cools down after "
                        + "action " + a.id() + " (" + a.rule() + ") until "
                        + EpochSeconds.fromMillis(a.finishedAtMs() + a.cooldownMs()).longValue());
            } else {
                continue;
            }
            holders.merge(a.instance(), s, (x, y) -> x.status().compareTo(y.status()) <= 0 ? x : y);
        }
        return holders;
    }

    private static Comparator<Fleet.InstanceView> order(FleetQuery q, Map<String, Status> statusOf) {
        Comparator<Fleet.InstanceView> byId = Comparator.comparing(Fleet.InstanceView::instance);
        Comparator<Fleet.InstanceView> key;
        if (q.sort().equals("last_seen")) {
            key = Comparator.comparingLong(Fleet.InstanceView::lastSeenMs);
        } else if (q.sort().equals("status")) {
            key = Comparator.comparing(v -> statusOf.get(v.instance()).status());
        } else if (q.sort().startsWith("value:")) {
            String type = q.sort().substring("value:".length());
            // Instances without the type sort last in either direction.
            Comparator<Double> values = q.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder();
            Comparator<Fleet.InstanceView> byValue = Comparator.comparing(v -> v.values().get(type),
                    Comparator.nullsLast(values));
            return byValue.thenComparing(byId);
        } else {
            key = byId;
        }
        Comparator<Fleet.InstanceView> c = key.thenComparing(byId);
        return q.descending() ? c.reversed() : c;
    }

    private FleetRow.LastAction lastAction(String instance) {
        List<Action> newest = actionLog.list(Optional.of(instance), Optional.empty(), 1);
        if (newest.isEmpty()) {
            return null;
        }
        Action a = newest.get(0);
        return new FleetRow.LastAction(a.id(), a.rule(), a.change().component().wireName(), a.fromValue(),
                a.toValue(), a.status().wireName(), EpochSeconds.fromMillis(a.createdAtMs()));
    }

    private Map<String, List<Double>> sparklines(String instance, long now) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        fleet.lastHour(instance, now).forEach((type, minutes) -> {
            List<Double> values = new ArrayList<>(minutes.length);
            for (double m : minutes) {
                values.add(Double.isNaN(m) ? null : Math.round(m * 100) / 100.0);
            }
            out.put(type, values);
        });
        return out;
    }

    private static Map<String, Long> size(CompletableFuture<Optional<Size>> f, long deadlineNanos) {
        try {
            Optional<Size> s = f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return s.map(size -> Map.of("cpu", size.cpu(), "ram", size.ram(), "storage", size.storage()))
                    .orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }
}
