package io.scalemanager.manager.partition;

import io.scalemanager.core.state.EventSequence;
import io.scalemanager.manager.Manager;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.queue.PartitionListener;
import io.scalemanager.queue.ReplaySource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Moves the manager's per-partition state when the queue hands partitions to it or takes them away. For a gained
 * partition, the rule windows are rebuilt from the history (the EventLog holds every event the queue has, since
 * collectors commit before they publish), the unfinished actions of its instances are resumed (the manager that
 * had them may have died), and the open alerts are learnt, so this manager can resolve them. A lost partition's
 * windows and fleet entries are dropped, so this manager neither decides for nor watches instances another
 * manager now owns.
 */
public final class PartitionHandover implements PartitionListener {
    private static final Logger log = LoggerFactory.getLogger(PartitionHandover.class);

    private final Manager manager;
    private final Fleet fleet;
    private final CommandExecutor executor;
    private final AlertLog alerts;
    private final ReplaySource history;
    private final ToIntFunction<String> partitionOf;
    private final Duration warmSpan;
    private final Clock clock;

    /**
     * @param warmSpan how far back windows are rebuilt: the longest {@code for} of the ruleset plus the tolerated
     *                 lateness of events
     */
    public PartitionHandover(Manager manager, Fleet fleet, CommandExecutor executor, AlertLog alerts,
                             ReplaySource history, ToIntFunction<String> partitionOf, Duration warmSpan, Clock clock) {
        this.manager = manager;
        this.fleet = fleet;
        this.executor = executor;
        this.alerts = alerts;
        this.history = history;
        this.partitionOf = partitionOf;
        this.warmSpan = warmSpan;
        this.clock = clock;
    }

    @Override
    public void assigned(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<Integer> gained = Set.copyOf(partitions);
        Predicate<String> ours = instance -> gained.contains(partitionOf.applyAsInt(instance));
        long started = clock.millis();
        gained.forEach(manager::forget);
        long from = EventSequence.firstAt(started - warmSpan.toMillis());
        long[] warmed = {0};
        history.scan(from, history.lastSeq(), e -> {
            int partition = partitionOf.applyAsInt(e.instance());
            if (gained.contains(partition)) {
                manager.warm(partition, e);
                warmed[0]++;
            }
        });
        executor.resumeUnfinished(ours);
        alerts.learnOpenProblems(); // so this manager resolves what the previous owner raised

        log.info("Took over partitions {}: warmed their rule windows with {} events of the last {} in {} ms",
                gained, warmed[0], warmSpan, clock.millis() - started);
    }

    @Override
    public void revoked(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        Set<Integer> lost = Set.copyOf(partitions);
        lost.forEach(manager::forget);
        fleet.forget(instance -> lost.contains(partitionOf.applyAsInt(instance)));
        log.info("Handed over partitions {}", lost);
    }
}
