package io.scalemanager.manager.fleet;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The instances the manager has seen: when each last reported, the latest value of every type, and, for the types
 * the rules watch, the average of every minute of the last hour (the dashboard's sparklines).
 */
public final class Fleet {
    /** Minutes of per-minute averages kept per watched (instance, type). */
    public static final int SPARKLINE_MINUTES = 60;

    /** What is known of one instance. */
    public record InstanceView(String instance, long lastSeenMs, Map<String, Double> values) {
    }

    private final ConcurrentHashMap<String, Entry> instances = new ConcurrentHashMap<>();
    private final Predicate<String> sparklineTypes;

    /** A fleet view without sparklines. */
    public Fleet() {
        this(type -> false);
    }

    /**
     * @param sparklineTypes the types whose last hour is kept per minute (about 600 bytes per instance and type)
     */
    public Fleet(Predicate<String> sparklineTypes) {
        this.sparklineTypes = sparklineTypes;
    }

    public void record(Event event) {
        State s = event.state();
        Entry e = instances.computeIfAbsent(s.instance(), k -> new Entry());
        e.record(s, sparklineTypes.test(s.type()));
    }

    /** Forgets the instances another manager now watches, so this one does not think they went silent. */
    public void forget(Predicate<String> instance) {
        instances.keySet().removeIf(instance);
    }

    /** Forgets the instances last seen before cutoffMs (manager.forget_after); returns how many. */
    public int forgetSilentSince(long cutoffMs) {
        int before = instances.size();
        instances.values().removeIf(e -> e.lastSeenMs() < cutoffMs);
        return Math.max(0, before - instances.size());
    }

    /** Whether this manager has seen the instance report. */
    public boolean knows(String instance) {
        return instances.containsKey(instance);
    }

    public int size() {
        return instances.size();
    }

    /** Instances in id order starting after {@code after} (for paging), at most limit. */
    public List<InstanceView> list(String after, int limit) {
        List<String> ids = new ArrayList<>(instances.keySet());
        ids.sort(null);
        List<InstanceView> views = new ArrayList<>(Math.min(limit, ids.size()));
        for (String id : ids) {
            if (views.size() >= limit) {
                break;
            }
            if (after != null && id.compareTo(after) <= 0) {
                continue;
            }
            Entry e = instances.get(id);
            if (e != null) {
                views.add(e.view(id));
            }
        }
        return views;
    }

    /** Every instance, in no particular order: for views that filter and sort the whole fleet themselves. */
    public List<InstanceView> all() {
        List<InstanceView> views = new ArrayList<>(instances.size());
        instances.forEach((id, e) -> views.add(e.view(id)));
        return views;
    }

    /** What {@link #forEach} shows of one instance. */
    @FunctionalInterface
    public interface Visitor {
        /** @param value the instance's latest value of the type asked for; NaN when it has none */
        void visit(String instance, long lastSeenMs, double value);
    }

    /**
     * Every instance, in no particular order, with its newest report's time and its latest value of one type,
     * without copying its values: what a view that filters and sorts the whole fleet on every request reads.
     *
     * @param type the type whose latest value the visitor gets; null for none (NaN)
     */
    public void forEach(String type, Visitor visitor) {
        instances.forEach((id, e) -> e.visit(id, type, visitor));
    }

    /**
     * The latest value of each type the instance reported with a measurement time at or after {@code sinceMs}:
     * what a rollback condition is checked on (reports from before the resize took effect do not count).
     */
    public Map<String, Double> latestSince(String instance, long sinceMs) {
        Entry e = instances.get(instance);
        return e == null ? Map.of() : e.latestSince(sinceMs);
    }

    public Optional<InstanceView> get(String instance) {
        Entry e = instances.get(instance);
        return e == null ? Optional.empty() : Optional.of(e.view(instance));
    }

    /**
     * The per-minute averages of the hour ending at nowMs for every watched type of the instance: index 0 is the
     * oldest minute, {@link #SPARKLINE_MINUTES}-1 the current one; NaN where no sample fell.
     */
    public Map<String, double[]> lastHour(String instance, long nowMs) {
        Entry e = instances.get(instance);
        return e == null ? Map.of() : e.lastHour(nowMs / 60_000);
    }

    private static final class Entry {
        private long lastSeenMs;
        private final Map<String, Double> values = new TreeMap<>();
        private final Map<String, Long> valueTimes = new TreeMap<>();
        private Map<String, MinuteRing> minutes;

        synchronized void record(State s, boolean sparkline) {
            lastSeenMs = Math.max(lastSeenMs, s.timestampMs());
            Long known = valueTimes.get(s.type());
            if (known == null || known <= s.timestampMs()) {
                values.put(s.type(), s.value());
                valueTimes.put(s.type(), s.timestampMs());
            }
            if (sparkline) {
                if (minutes == null) {
                    minutes = new TreeMap<>();
                }
                minutes.computeIfAbsent(s.type(), t -> new MinuteRing()).add(s.timestampMs() / 60_000, s.value());
            }
        }

        synchronized Map<String, Double> latestSince(long sinceMs) {
            Map<String, Double> fresh = new TreeMap<>();
            for (Map.Entry<String, Long> t : valueTimes.entrySet()) {
                if (t.getValue() >= sinceMs) {
                    fresh.put(t.getKey(), values.get(t.getKey()));
                }
            }
            return fresh;
        }

        void visit(String id, String type, Visitor visitor) {
            long seen;
            double value;
            synchronized (this) {
                seen = lastSeenMs;
                Double v = type == null ? null : values.get(type);
                value = v == null ? Double.NaN : v;
            }
            visitor.visit(id, seen, value);
        }

        synchronized long lastSeenMs() {
            return lastSeenMs;
        }

        synchronized InstanceView view(String id) {
            return new InstanceView(id, lastSeenMs, Map.copyOf(values));
        }

        synchronized Map<String, double[]> lastHour(long nowMinute) {
            if (minutes == null) {
                return Map.of();
            }
            Map<String, double[]> out = new TreeMap<>();
            minutes.forEach((type, ring) -> out.put(type, ring.lastHour(nowMinute)));
            return out;
        }
    }

    /** The running average of each of the last 60 minutes, a slot per minute reused an hour later. */
    private static final class MinuteRing {
        private final int[] minute = new int[SPARKLINE_MINUTES];
        private final float[] average = new float[SPARKLINE_MINUTES];
        private final short[] count = new short[SPARKLINE_MINUTES];

        void add(long epochMinute, double value) {
            int slot = (int) Math.floorMod(epochMinute, (long) SPARKLINE_MINUTES);
            int m = (int) epochMinute;
            if (minute[slot] != m) {
                if (minute[slot] > m && count[slot] > 0) {
                    return; // older than the hour this slot holds now
                }
                minute[slot] = m;
                average[slot] = 0;
                count[slot] = 0;
            }
            if (count[slot] < Short.MAX_VALUE) {
                count[slot]++;
                average[slot] += (float) ((value - average[slot]) / count[slot]);
            }
        }

        double[] lastHour(long nowMinute) {
            double[] out = new double[SPARKLINE_MINUTES];
            for (int i = 0; i < SPARKLINE_MINUTES; i++) {
                long m = nowMinute - (SPARKLINE_MINUTES - 1) + i;
                int slot = (int) Math.floorMod(m, (long) SPARKLINE_MINUTES);
                out[i] = minute[slot] == (int) m && count[slot] > 0 ? average[slot] : Double.NaN;
            }
            return out;
        }
    }
}
