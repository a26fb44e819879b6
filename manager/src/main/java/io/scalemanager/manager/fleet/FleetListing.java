package io.scalemanager.manager.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scalemanager.manager.command.InstanceApiClient.SourcedSize;
import io.scalemanager.manager.decision.LatestOutcomes;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The fleet listing ({@code GET /v1/instances}): this manager's own instances with their sizes and most pressing
 * outcomes, and, when several managers share the partitions, every live peer's own page too, asked in parallel and
 * merged in id order.
 */
public final class FleetListing {
    private final Fleet fleet;
    private final InstanceSizes sizes;
    private final LatestOutcomes latest;
    private final Optional<FleetPeers> peers;
    private final FleetTimeouts timeouts;

    /**
     * A page of the listing. A manager's own page ({@code scope=local}) has only the instances; a fleet-wide page
     * also says how many managers answered and names those that did not.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(List<FleetInstance> instances, Integer managers, List<FleetPeers.Unanswered> unanswered) {
    }

    /**
     * @param peers the other managers, when several share the partitions (Kafka); each knows only its own
     *              instances, so a listing asks them too
     */
    public FleetListing(Fleet fleet, InstanceSizes sizes, LatestOutcomes latest, Optional<FleetPeers> peers,
                        FleetTimeouts timeouts) {
        this.fleet = fleet;
        this.sizes = sizes;
        this.latest = latest;
        this.peers = peers;
        this.timeouts = timeouts;
    }

    /**
     * The first {@code limit} instances after {@code after} (null: from the start), of this manager only
     * ({@code fleetWide} false, or no peers) or of all managers.
     *
     * @throws InterruptedException when interrupted while waiting for sizes or peers
     */
    public Page list(String after, int limit, boolean fleetWide) throws InterruptedException {
        if (peers.isEmpty() || !fleetWide) {
            return new Page(local(after, limit), null, null);
        }
        String query = "/v1/instances?scope=local&limit=" + limit
                + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        // Ask the peers first, so their answers travel while this manager lists its own.
        FleetPeers.Pending<Page> asked = peers.get().askAll(query, Page.class);
        List<List<FleetInstance>> pages = new ArrayList<>();
        pages.add(local(after, limit));
        FleetPeers.Answers<Page> answers = asked.await();
        List<FleetPeers.Unanswered> unanswered = new ArrayList<>(answers.unanswered());
        for (Map.Entry<URI, Optional<Page>> a : answers.answered().entrySet()) {
            if (a.getValue().isPresent() && a.getValue().get().instances() != null) {
                pages.add(a.getValue().get().instances());
            } else {
                unanswered.add(new FleetPeers.Unanswered(a.getKey().toString(), "answered without an instances "
                        + "list"));
            }
        }
        return new Page(merge(pages, limit), pages.size(), unanswered);
    }

    /** This manager's own instances, each with its size from the instance API. */
    private List<FleetInstance> local(String after, int limit) throws InterruptedException {
        List<Fleet.InstanceView> views = fleet.list(after, limit);
        List<CompletableFuture<Optional<SourcedSize>>> pending = new ArrayList<>(views.size());
        for (Fleet.InstanceView v : views) {
            pending.add(sizes.get(v.instance()));
        }
        long deadline = System.nanoTime() + timeouts.size().toNanos();
        List<FleetInstance> page = new ArrayList<>(views.size());
        for (int i = 0; i < views.size(); i++) {
            Fleet.InstanceView v = views.get(i);
            // Which size is real: the simulator's made-up one beside an agent's ram_total_mb misleads otherwise.
            Optional<ShownSize> size = ShownSize.of(awaitSize(pending.get(i), deadline), v.values());
            page.add(new FleetInstance(v.instance(), FleetInstance.epochSeconds(v.lastSeenMs()), v.values(),
                    size.map(ShownSize::size).orElse(null), size.map(ShownSize::source).orElse(null),
                    pressing(v.instance())));
        }
        return page;
    }

    private FleetInstance.PressingOutcome pressing(String instance) {
        LatestOutcomes.Entry e = latest.mostPressing(instance);
        return e == null ? null : new FleetInstance.PressingOutcome(e.outcome().ruleName(),
                e.outcome().kind().wireName(), e.outcome().reason(), FleetInstance.epochSeconds(e.sinceMs()));
    }

    /**
     * The first {@code limit} instances of all pages in id order. An instance on two pages (its partition moved
     * while the pages were read) is taken from the one that saw it last.
     */
    static List<FleetInstance> merge(List<List<FleetInstance>> pages, int limit) {
        Map<String, FleetInstance> byId = new TreeMap<>();
        for (List<FleetInstance> page : pages) {
            for (FleetInstance instance : page) {
                byId.merge(instance.instance(), instance, (a, b) -> a.lastSeen().compareTo(b.lastSeen()) >= 0 ? a : b);
            }
        }
        List<FleetInstance> merged = new ArrayList<>(Math.min(limit, byId.size()));
        for (FleetInstance instance : byId.values()) {
            if (merged.size() == limit) {
                break;
            }
            merged.add(instance);
        }
        return merged;
    }

    /** The size, or empty when the instance API did not answer by the deadline; interruption propagates. */
    private static Optional<SourcedSize> awaitSize(CompletableFuture<Optional<SourcedSize>> f, long deadline)
            throws InterruptedException {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }
}
