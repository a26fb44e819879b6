package io.scalemanager.manager.fleet;

import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.State;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/** The instances the manager has seen: when each last reported and the latest value of every type. */
public final class Fleet {

    /** What is known of one instance. */
    public record InstanceView(String instance, long lastSeenMs, Map<String, Double> values) {
    }

    private final ConcurrentHashMap<String, Entry> instances = new ConcurrentHashMap<>();

    public void record(Event event) {
        State s = event.state();
        Entry e = instances.computeIfAbsent(s.instance(), k -> new Entry());
        e.record(s);
    }

    /** Forgets the instances another manager now watches, so this one does not think they went silent. */
    public void forget(Predicate<String> instance) {
        instances.keySet().removeIf(instance);
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

    private static final class Entry {
        private long lastSeenMs;
        private final Map<String, Double> values = new TreeMap<>();
        private final Map<String, Long> valueTimes = new TreeMap<>();

        synchronized void record(State s) {
            lastSeenMs = Math.max(lastSeenMs, s.timestampMs());
            Long known = valueTimes.get(s.type());
            if (known == null || known <= s.timestampMs()) {
                values.put(s.type(), s.value());
                valueTimes.put(s.type(), s.timestampMs());
            }
        }

        synchronized InstanceView view(String id) {
            return new InstanceView(id, lastSeenMs, Map.copyOf(values));
        }
    }
}
