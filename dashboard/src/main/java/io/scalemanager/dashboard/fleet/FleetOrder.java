package io.scalemanager.dashboard.fleet;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * The instances one fleet query matched, kept as columns (id, last report, the sorted type's value, status) and
 * put in the page's order by comparing numbers rather than rows: by the sort key, then by id; instances without
 * the sorted value last. Ties end at the id, so the order is total and any page of it is the same page of the
 * whole sorted list; a page near the start costs a pass over the instances with a heap of the rows up to its
 * end, not a sort of all of them. It is the order {@link FleetSummary} merges the managers' rows in.
 */
final class FleetOrder {
    /** A page ending within the first 1/8 of the instances is selected with a heap; deeper ones sort them all. */
    private static final int HEAP_FRACTION = 8;

    private final String sort;
    private final boolean descending;
    private final String valueType;
    private String[] ids;
    private long[] lastSeenMs;
    private double[] values;
    private FleetSummary.Status[] statuses;
    private int size;

    FleetOrder(FleetQuery q, int expected) {
        this.sort = q.sort();
        this.descending = q.descending();
        this.valueType = sort.startsWith("value:") ? sort.substring("value:".length()) : null;
        int capacity = Math.max(16, expected);
        ids = new String[capacity];
        lastSeenMs = new long[capacity];
        values = new double[capacity];
        statuses = new FleetSummary.Status[capacity];
    }

    /** The type whose latest value the order sorts on ({@code value:TYPE}), else null. */
    String valueType() {
        return valueType;
    }

    /** @param value the sorted type's latest value, NaN when the instance has none */
    void add(String id, long seenMs, double value, FleetSummary.Status status) {
        if (size == ids.length) {
            int grown = size * 2;
            ids = Arrays.copyOf(ids, grown);
            lastSeenMs = Arrays.copyOf(lastSeenMs, grown);
            values = Arrays.copyOf(values, grown);
            statuses = Arrays.copyOf(statuses, grown);
        }
        ids[size] = id;
        lastSeenMs[size] = seenMs;
        values[size] = value;
        statuses[size] = status;
        size++;
    }

    int size() {
        return size;
    }

    String id(int i) {
        return ids[i];
    }

    long lastSeenMs(int i) {
        return lastSeenMs[i];
    }

    FleetSummary.Status status(int i) {
        return statuses[i];
    }

    /** The positions (for {@link #id} and the others) of rows {@code offset} to {@code offset + limit}, in order. */
    int[] range(int offset, int limit) {
        if (offset >= size || limit <= 0) {
            return new int[0];
        }
        int end = (int) Math.min(size, (long) offset + limit);
        Comparator<Integer> order = comparator();
        Integer[] sorted;
        if (end <= size / HEAP_FRACTION) {
            // The first `end` rows: a heap whose head is the last of them, replaced by anything before it.
            PriorityQueue<Integer> firsts = new PriorityQueue<>(end + 1, order.reversed());
            for (int i = 0; i < size; i++) {
                if (firsts.size() < end) {
                    firsts.add(i);
                } else if (order.compare(i, firsts.peek()) < 0) {
                    firsts.poll();
                    firsts.add(i);
                }
            }
            sorted = firsts.toArray(new Integer[0]);
        } else {
            sorted = new Integer[size];
            for (int i = 0; i < size; i++) {
                sorted[i] = i;
            }
        }
        Arrays.sort(sorted, order);
        int[] page = new int[end - offset];
        for (int i = offset; i < end; i++) {
            page[i - offset] = sorted[i];
        }
        return page;
    }

    /**
     * By the key, then by id, both reversed for {@code desc}; for {@code value:TYPE} only the values are reversed,
     * and instances without one come last either way.
     */
    private Comparator<Integer> comparator() {
        Comparator<Integer> byId = (a, b) -> ids[a].compareTo(ids[b]);
        if (valueType != null) {
            return (a, b) -> {
                boolean hasA = !Double.isNaN(values[a]);
                boolean hasB = !Double.isNaN(values[b]);
                if (hasA != hasB) {
                    return hasA ? -1 : 1;
                }
                int byValue = !hasA ? 0 : descending ? Double.compare(values[b], values[a])
                        : Double.compare(values[a], values[b]);
                return byValue != 0 ? byValue : byId.compare(a, b);
            };
        }
        Comparator<Integer> key = switch (sort) {
            case "last_seen" -> (a, b) -> {
                int c = Long.compare(lastSeenMs[a], lastSeenMs[b]);
                return c != 0 ? c : byId.compare(a, b);
            };
            case "status" -> (a, b) -> {
                int c = Integer.compare(statuses[a].status().ordinal(), statuses[b].status().ordinal());
                return c != 0 ? c : byId.compare(a, b);
            };
            default -> byId;
        };
        return descending ? key.reversed() : key;
    }
}
