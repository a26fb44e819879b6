package io.scalemanager.dashboard.fleet;

import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.ActionStatus;
import io.scalemanager.manager.command.InstanceApiClient.SourcedSize;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetPeers;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.rules.Rule;
import io.scalemanager.manager.rules.Ruleset;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The fleet page's data: filters, sorts and pages the whole fleet in memory, and only for the rows of the page
 * reads the last action, the size (through the size cache) and the sparklines. An instance's status comes from
 * what the manager knows now: the age of its reports, the actions holding a lock in the ActionLog, and the latest
 * outcomes of its rules. Per request each instance costs a status (its kind only: the words are written for the
 * page's rows) and a place in a {@link FleetOrder} of numbers; no row is built for an instance off the page.
 *
 * <p>With several managers (Kafka) each knows only the instances of its partitions, so a page of the whole fleet
 * is read in two steps: every manager gives its first {@code offset + size} matching rows, briefly (no size, last
 * action or sparklines), in the page's order; the asking manager merges them and takes the page; then the managers
 * owning rows of the page give those rows in full.
 */
public final class FleetSummary {
    /** An outcome older than its rule's {@code for} plus this has no fresh data behind it and sets no status. */
    private static final Duration OUTCOME_FRESH_FOR = Duration.ofMinutes(2);
    /** The most rows one manager gives toward a page of the whole fleet ({@code scope=local}'s limit). */
    public static final int MAX_SHARE = 1_000_000;

    private final Fleet fleet;
    private final ActionLog actionLog;
    private final LatestOutcomes latest;
    private final Supplier<Ruleset> ruleset;
    private final InstanceSizes sizes;
    private final Optional<FleetPeers> peers;
    private final FleetTimeouts timeouts;
    private final Duration stoppedReportingAfter;
    private final Clock clock;

    /**
     * @param latest                the latest outcome of each (instance, rule) this manager decided
     * @param sizes                 the instances' sizes from the instance API, cached
     * @param peers                 the other managers, when several share the partitions
     * @param stoppedReportingAfter an instance silent for longer is shown as {@code stopped_reporting}
     */
    public FleetSummary(Fleet fleet, ActionLog actionLog, LatestOutcomes latest, Supplier<Ruleset> ruleset,
                        InstanceSizes sizes, Optional<FleetPeers> peers, FleetTimeouts timeouts,
                        Duration stoppedReportingAfter, Clock clock) {
        this.fleet = fleet;
        this.actionLog = actionLog;
        this.latest = latest;
        this.ruleset = ruleset;
        this.sizes = sizes;
        this.peers = peers;
        this.timeouts = timeouts;
        this.stoppedReportingAfter = stoppedReportingAfter;
        this.clock = clock;
    }

    /**
     * The page as asked, of the whole fleet: with other managers, theirs included.
     *
     * @throws InterruptedException when interrupted while waiting for sizes or other managers
     */
    public FleetPage page(FleetQuery q) throws InterruptedException {
        int offset = q.page() * q.size();
        List<String> watched = List.copyOf(ruleset.get().types());
        if (peers.isEmpty()) {
            FleetShare own = share(q, offset, q.size(), false);
            return new FleetPage(own.total(), q.page(), q.size(), own.statuses(), watched, own.instances(), null,
                    null);
        }
        return fleetWide(q, offset, watched);
    }

    /**
     * This manager's share of a page: its matching instances in the query's order, rows {@code offset} to
     * {@code offset + limit}; brief rows leave out size, last action and sparklines.
     */
    public FleetShare share(FleetQuery q, int offset, int limit, boolean brief) throws InterruptedException {
        long now = clock.millis();
        Map<String, Status> holders = lockHolders(ruleset.get(), now);
        int[] counts = new int[InstanceStatus.values().length];
        FleetOrder order = new FleetOrder(q, fleet.size());
        fleet.forEach(order.valueType(), (instance, lastSeenMs, value) -> {
            if (!q.instances().matches(instance)) {
                return;
            }
            Status s = status(instance, lastSeenMs, holders.get(instance), now);
            counts[s.status().ordinal()]++;
            if (q.status().isEmpty() || q.status().get() == s.status()) {
                order.add(instance, lastSeenMs, value, s);
            }
        });
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (InstanceStatus s : InstanceStatus.values()) {
            statuses.put(s.wireName(), counts[s.ordinal()]);
        }
        List<FleetRow> rows = new ArrayList<>();
        for (int i : order.range(offset, limit)) {
            String instance = order.id(i);
            Status s = order.status(i);
            Map<String, Double> values = fleet.get(instance).map(Fleet.InstanceView::values).orElse(Map.of());
            rows.add(new FleetRow(instance, EpochSeconds.fromMillis(order.lastSeenMs(i)), values, null,
                    s.status().wireName(), s.why().get(), null, null));
        }
        return new FleetShare(order.size(), statuses, brief ? List.copyOf(rows) : complete(rows, now));
    }

    private FleetPage fleetWide(FleetQuery q, int offset, List<String> watched) throws InterruptedException {
        // A page beyond the most rows a manager gives is empty, as a page beyond the fleet is.
        int end = (int) Math.min((long) offset + q.size(), MAX_SHARE);
        FleetPeers.Pending<FleetShare> asked = peers.get().askAll(sharePath(q, 0, end, true), FleetShare.class);
        FleetShare own = share(q, 0, end, true);
        FleetPeers.Answers<FleetShare> answers = asked.await();

        Map<String, Integer> counts = new LinkedHashMap<>(own.statuses());
        int total = own.total();
        Map<String, Owned> byId = new HashMap<>();
        addAll(byId, own.instances(), null);
        Set<String> unanswered = new LinkedHashSet<>();
        List<FleetPeers.Unanswered> why = new ArrayList<>(answers.unanswered());
        int managers = 1;
        for (Map.Entry<URI, Optional<FleetShare>> a : answers.answered().entrySet()) {
            if (a.getValue().isEmpty() || a.getValue().get().instances() == null) {
                why.add(new FleetPeers.Unanswered(a.getKey().toString(), "answered without a fleet share"));
                continue;
            }
            FleetShare share = a.getValue().get();
            managers++;
            total += share.total();
            share.statuses().forEach((status, n) -> counts.merge(status, n, Integer::sum));
            addAll(byId, share.instances(), a.getKey());
        }
        List<Owned> merged = new ArrayList<>(byId.values());
        Comparator<FleetRow> order = order(q);
        merged.sort((x, y) -> order.compare(x.row(), y.row()));
        int from = Math.min(merged.size(), offset);
        List<Owned> page = merged.subList(from, Math.max(from, Math.min(merged.size(), end)));

        // The rows of the page in full: this manager's from here, each other manager's range of its own order.
        Map<URI, int[]> ranges = new LinkedHashMap<>();
        List<FleetRow> ownRows = new ArrayList<>();
        for (Owned o : page) {
            if (o.owner() == null) {
                ownRows.add(o.row());
            } else {
                ranges.merge(o.owner(), new int[]{o.index(), o.index()},
                        (r, n) -> new int[]{Math.min(r[0], n[0]), Math.max(r[1], n[1])});
            }
        }
        FleetPeers.Pending<FleetShare> details = peers.get().ask(ranges.keySet(),
                peer -> sharePath(q, ranges.get(peer)[0], ranges.get(peer)[1] - ranges.get(peer)[0] + 1, false),
                FleetShare.class);
        Map<String, FleetRow> full = new HashMap<>();
        for (FleetRow r : complete(ownRows, clock.millis())) {
            full.put(r.instance(), r);
        }
        FleetPeers.Answers<FleetShare> detailed = details.await();
        detailed.answered().values().forEach(share -> share.ifPresent(s -> s.instances()
                .forEach(r -> full.put(r.instance(), r))));
        why.addAll(detailed.unanswered());
        List<FleetRow> rows = new ArrayList<>(page.size());
        for (Owned o : page) {
            // A row its manager no longer has (its partition moved meanwhile) is shown as briefly known.
            rows.add(full.getOrDefault(o.row().instance(), o.row()));
        }
        List<FleetPeers.Unanswered> named = new ArrayList<>();
        for (FleetPeers.Unanswered u : why) {
            if (unanswered.add(u.manager())) {
                named.add(u);
            }
        }
        return new FleetPage(total, q.page(), q.size(), counts, watched, rows, managers, named);
    }

    /** A row of a share, with the manager it came from (null: this one) and its index in that manager's order. */
    private record Owned(FleetRow row, URI owner, int index) {
    }

    /** Adds the rows; an instance two managers know (its partition moved) is kept from the one that saw it last. */
    private static void addAll(Map<String, Owned> byId, List<FleetRow> rows, URI owner) {
        for (int i = 0; i < rows.size(); i++) {
            FleetRow r = rows.get(i);
            byId.merge(r.instance(), new Owned(r, owner, i),
                    (a, b) -> lastSeenMs(a.row()) >= lastSeenMs(b.row()) ? a : b);
        }
    }

    private static String sharePath(FleetQuery q, int offset, int limit, boolean brief) {
        return "/v1/fleet?scope=local&instances=" + URLEncoder.encode(q.instances().text(), StandardCharsets.UTF_8)
                + q.status().map(s -> "&status=" + s.wireName()).orElse("")
                + "&sort=" + URLEncoder.encode(q.sort(), StandardCharsets.UTF_8)
                + "&order=" + (q.descending() ? "desc" : "asc")
                + "&offset=" + offset + "&limit=" + limit + "&brief=" + brief;
    }

    /** The rows with what the page shows beyond their status: size, last action, sparklines. */
    private List<FleetRow> complete(List<FleetRow> rows, long now) throws InterruptedException {
        List<CompletableFuture<Optional<SourcedSize>>> pending = new ArrayList<>(rows.size());
        for (FleetRow r : rows) {
            pending.add(sizes.get(r.instance()));
        }
        Map<String, Action> newest = actionLog.newestOf(rows.stream().map(FleetRow::instance).toList());
        long deadline = System.nanoTime() + timeouts.size().toNanos();
        List<FleetRow> full = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            FleetRow r = rows.get(i);
            full.add(new FleetRow(r.instance(), r.lastSeen(), r.values(), size(pending.get(i), deadline), r.status(),
                    r.statusWhy(), lastAction(newest.get(r.instance())), sparklines(r.instance(), now)));
        }
        return full;
    }

    /** A status and the words behind it, written only for the rows a page shows. */
    record Status(InstanceStatus status, Supplier<String> why) {
        static final Status OK = new Status(InstanceStatus.OK, () -> "");

        Status morePressing(Status other) {
            return other != null && other.status().compareTo(status) < 0 ? other : this;
        }
    }

    /**
     * The most pressing of: stopped reporting; what the instance's actions say (needs restart, firing while one
     * runs or awaits its size, cooling down after one); what its rules' latest outcomes say (fired, at limit,
     * blocked, paused, dry run). Outcomes with no fresh data behind them say nothing.
     */
    private Status status(String instance, long lastSeenMs, Status fromActions, long now) {
        if (now - lastSeenMs > stoppedReportingAfter.toMillis()) {
            return new Status(InstanceStatus.STOPPED_REPORTING, () -> "no report for " + (now - lastSeenMs) / 1000
                    + " s");
        }
        Status s = fromActions != null ? fromActions : Status.OK;
        for (LatestOutcomes.Entry e : latest.of(instance).values()) {
            Outcome o = e.outcome();
            // A schedule's occurrence (no rule) has no 'for': fresh for as long after its moment.
            long heldMs = o.rule() == null ? 0 : o.rule().forDuration().toMillis();
            if (o.atMs() < now - heldMs - OUTCOME_FRESH_FOR.toMillis()) {
                continue;
            }
            InstanceStatus st = switch (o.kind()) {
                case FIRED -> InstanceStatus.FIRING;
                case AT_LIMIT -> InstanceStatus.AT_LIMIT;
                case BLOCKED, BUDGET, GUARD -> InstanceStatus.BLOCKED;
                case OUTSIDE_SCHEDULE -> o instanceof Outcome.OutsideSchedule out && out.held()
                        ? InstanceStatus.BLOCKED : null;
                case PAUSED -> InstanceStatus.PAUSED;
                case WOULD_FIRE -> InstanceStatus.DRY_RUN;
                case NOT_HELD, STALE, TOO_OLD -> null;
            };
            if (st != null) {
                s = s.morePressing(new Status(st, () -> o.ruleName() + ": " + o.reason()));
            }
        }
        return s;
    }

    /**
     * What the actions holding a lock now say of their instances: needs restart (the provider stored the change
     * for the next restart), firing (pending, running, or awaiting its size), cooling down (finished within its
     * cooldown). The longest cooldown of the ruleset bounds how far back the ActionLog is read.
     */
    private Map<String, Status> lockHolders(Ruleset rules, long now) {
        long longestCooldown = 0;
        for (Rule r : rules.rules()) {
            longestCooldown = Math.max(longestCooldown, r.cooldown().toMillis());
        }
        Map<String, Status> holders = new HashMap<>();
        for (Action a : actionLog.unfinishedOrFinishedSince(now - longestCooldown)) {
            Status s;
            if (a.status() == ActionStatus.NEEDS_RESTART) {
                s = fixed(InstanceStatus.NEEDS_RESTART, "action " + a.id() + " (" + a.rule() + ") changed "
                        + a.change().component().wireName() + " for the next restart of the instance");
            } else if (a.finishedAtMs() == null) {
                s = fixed(InstanceStatus.FIRING, "action " + a.id() + " (" + a.rule() + ") is "
                        + a.status().wireName());
            } else if (a.finishedAtMs() + a.cooldownMs() > now) {
                s = fixed(InstanceStatus.COOLING_DOWN, a.change().component().wireName() + " cools down after "
                        + "action " + a.id() + " (" + a.rule() + ") until "
                        + EpochSeconds.fromMillis(a.finishedAtMs() + a.cooldownMs()).longValue());
            } else {
                continue;
            }
            holders.merge(a.instance(), s, Status::morePressing);
        }
        return holders;
    }

    private static Status fixed(InstanceStatus status, String why) {
        return new Status(status, () -> why);
    }

    /**
     * The page's order over rows (merging the managers' shares): by the sort key, then by id; instances without a
     * sorted value last. {@link FleetOrder} puts one manager's instances in the same order.
     */
    private static Comparator<FleetRow> order(FleetQuery q) {
        Comparator<FleetRow> byId = Comparator.comparing(FleetRow::instance);
        Comparator<FleetRow> key;
        if (q.sort().equals("last_seen")) {
            key = Comparator.comparingLong((ToLongFunction<FleetRow>) FleetSummary::lastSeenMs);
        } else if (q.sort().equals("status")) {
            key = Comparator.comparing(r -> InstanceStatus.parse(r.status()).orElse(InstanceStatus.OK));
        } else if (q.sort().startsWith("value:")) {
            String type = q.sort().substring("value:".length());
            Comparator<Double> values = q.descending() ? Comparator.reverseOrder() : Comparator.naturalOrder();
            Function<FleetRow, Double> value = r -> r.values() == null ? null : r.values().get(type);
            return Comparator.comparing(value, Comparator.nullsLast(values)).thenComparing(byId);
        } else {
            key = byId;
        }
        Comparator<FleetRow> c = key.thenComparing(byId);
        return q.descending() ? c.reversed() : c;
    }

    private static long lastSeenMs(FleetRow r) {
        return r.lastSeen() == null ? Long.MIN_VALUE : EpochSeconds.toMillis(r.lastSeen().doubleValue());
    }

    private static FleetRow.LastAction lastAction(Action a) {
        if (a == null) {
            return null;
        }
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

    private static FleetRow.InstanceSize size(CompletableFuture<Optional<SourcedSize>> f, long deadlineNanos)
            throws InterruptedException {
        try {
            Optional<SourcedSize> s = f.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return s.map(size -> new FleetRow.InstanceSize(size.size().cpu(), size.size().ram(),
                    size.size().storage())).orElse(null);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }
}
