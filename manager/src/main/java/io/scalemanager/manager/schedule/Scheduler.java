package io.scalemanager.manager.schedule;

import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.ChangeMode;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;
import io.scalemanager.manager.actionlog.Action;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.actionlog.NewAction;
import io.scalemanager.manager.actionlog.StartResult;
import io.scalemanager.manager.rules.Schedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Carries out the ruleset's {@code schedules:}: on every tick, for each schedule whose latest occurrence lies
 * within its {@code catch_up}, starts an absolute resize for each matching instance this manager knows, through
 * the ActionLog like a rule's action (its lock, cooldowns and limits apply). The action's trigger is the
 * occurrence itself (event sequence = occurrence in epoch ms × 8 + component), so the ActionLog's unique key
 * makes it happen once per occurrence across managers and restarts. A start refused by a lock is tried again on
 * the next tick until the catch-up ends; an occurrence older than that is skipped and logged.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final Supplier<List<Schedule>> schedules;
    private final Supplier<Collection<String>> instances;
    private final ActionLog actionLog;
    private final Consumer<Action> execute;
    private final Clock clock;
    /** (schedule, occurrence, instance, component) already started or found done; forgotten with the occurrence. */
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService timer;

    /**
     * @param instances the instances this manager owns (its fleet view)
     * @param execute   sends a started action (the CommandExecutor)
     */
    public Scheduler(Supplier<List<Schedule>> schedules, Supplier<Collection<String>> instances, ActionLog actionLog,
                     Consumer<Action> execute, Clock clock) {
        this.schedules = schedules;
        this.instances = instances;
        this.actionLog = actionLog;
        this.execute = execute;
        this.clock = clock;
    }

    /** Ticks every interval on its own thread until closed. */
    public synchronized void start(Duration interval) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("Schedules: {}; trying again on the next tick", e.getMessage());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One pass over the schedules as of the clock's now; returns how many actions it started. */
    public int tick() {
        Instant now = clock.instant();
        int started = 0;
        Set<String> current = ConcurrentHashMap.newKeySet();
        for (Schedule s : schedules.get()) {
            Instant occurrence = s.at().latestAtOrBefore(now);
            if (occurrence == null) {
                continue;
            }
            String occurrenceKey = s.name() + '\u0000' + occurrence.toEpochMilli();
            current.add(occurrenceKey);
            if (Duration.between(occurrence, now).compareTo(s.catchUp()) > 0) {
                if (skipped.add(occurrenceKey)) {
                    log.info("Schedule {}: the occurrence at {} is more than catch_up {} ago; skipped where it has not"
                            + " run", s.name(), occurrence, s.catchUp());
                }
                continue;
            }
            started += carryOut(s, occurrence, occurrenceKey);
        }
        // What is remembered of occurrences that are no longer the latest is no longer needed.
        done.removeIf(k -> !current.contains(k.substring(0, k.indexOf('\u0001'))));
        skipped.retainAll(current);
        return started;
    }

    private int carryOut(Schedule s, Instant occurrence, String occurrenceKey) {
        int started = 0;
        Map<Component, Long> sizes = new TreeMap<>(s.set());
        for (String instance : new ArrayList<>(instances.get())) {
            if (!s.instances().matches(instance)) {
                continue;
            }
            for (Map.Entry<Component, Long> size : sizes.entrySet()) {
                String key = occurrenceKey + '\u0001' + instance + '\u0000' + size.getKey().wireName();
                if (done.contains(key)) {
                    continue;
                }
                long at = occurrence.toEpochMilli();
                Event trigger = new Event(at * 8 + size.getKey().ordinal(),
                        new State(instance, "schedule", size.getValue(), at));
                StartResult result = actionLog.start(new NewAction(s.name(), new Change(size.getKey(), ChangeMode.ABS,
                        size.getValue()), s.reason() + " (" + s.at().time() + " " + s.at().zone() + ")", s.cooldown(),
                        trigger));
                if (result instanceof StartResult.Started st) {
                    done.add(key);
                    started++;
                    log.info("{}: {} {} → {} ({})", instance, s.reason(), size.getKey(), size.getValue(), occurrence);
                    execute.accept(st.action());
                } else if (result instanceof StartResult.AlreadyDecided) {
                    done.add(key); // another manager, or this one before a restart, carried it out
                } else if (result instanceof StartResult.Blocked blocked) {
                    log.debug("{}: {} waits for the lock of {} until {}", instance, s.reason(), size.getKey(),
                            blocked.untilMs());
                }
            }
        }
        return started;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
