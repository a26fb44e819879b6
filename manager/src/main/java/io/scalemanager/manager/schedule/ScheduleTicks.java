package io.scalemanager.manager.schedule;

import io.scalemanager.core.sizing.Component;
import io.scalemanager.manager.rules.Schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a schedule does at a moment, without a clock or a database: for each schedule whose latest occurrence
 * lies within its {@code catch_up}, one start per matching instance and component not yet carried out; an
 * occurrence older than that is skipped. It remembers what it carried out for the latest occurrences only. The
 * live {@link Scheduler} ticks it on a timer against the ActionLog; a backtest ticks it at the replayed times
 * against its simulated ActionLog.
 */
public final class ScheduleTicks {
    /** (schedule, occurrence, instance, component) already started or found done; forgotten with the occurrence. */
    private final Set<String> done = ConcurrentHashMap.newKeySet();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();

    /**
     * One pass over the schedules as of {@code now}, for the given instances (those the caller knows); returns
     * how many actions it started.
     */
    public int tick(Instant now, List<Schedule> schedules, Collection<String> instances, ScheduleStarts starts) {
        int started = 0;
        Set<String> current = ConcurrentHashMap.newKeySet();
        for (Schedule s : schedules) {
            Instant occurrence = s.at().latestAtOrBefore(now);
            if (occurrence == null) {
                continue;
            }
            String occurrenceKey = s.name() + '\u0000' + occurrence.toEpochMilli();
            current.add(occurrenceKey);
            if (Duration.between(occurrence, now).compareTo(s.catchUp()) > 0) {
                if (skipped.add(occurrenceKey)) {
                    starts.skipped(s, occurrence);
                }
                continue;
            }
            started += carryOut(s, occurrence, occurrenceKey, instances, starts);
        }
        // What is remembered of occurrences that are no longer the latest is no longer needed.
        done.removeIf(k -> !current.contains(k.substring(0, k.indexOf('\u0001'))));
        skipped.retainAll(current);
        return started;
    }

    private int carryOut(Schedule s, Instant occurrence, String occurrenceKey, Collection<String> instances,
                         ScheduleStarts starts) {
        int started = 0;
        Map<Component, Long> sizes = new TreeMap<>(s.set());
        for (String instance : new ArrayList<>(instances)) {
            if (!s.instances().matches(instance)) {
                continue;
            }
            for (Map.Entry<Component, Long> size : sizes.entrySet()) {
                String key = occurrenceKey + '\u0001' + instance + '\u0000' + size.getKey().wireName();
                if (done.contains(key)) {
                    continue;
                }
                ScheduleStarts.Result result = starts.start(s, occurrence, instance, size.getKey(), size.getValue());
                if (result == ScheduleStarts.Result.STARTED) {
                    done.add(key);
                    started++;
                } else if (result == ScheduleStarts.Result.ALREADY_DONE) {
                    done.add(key);
                }
            }
        }
        return started;
    }
}
