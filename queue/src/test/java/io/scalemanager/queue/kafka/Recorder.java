package io.scalemanager.queue.kafka;

import io.scalemanager.core.state.Event;
import io.scalemanager.queue.EventHandler;
import io.scalemanager.queue.PartitionListener;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A consumer's handler and partition listener for tests: remembers what it was given, in order, and writes
 * every call to a journal that several recorders may share, so tests can check what happened before what.
 */
final class Recorder implements EventHandler, PartitionListener {
    private final String name;
    private final List<String> journal;
    final List<Event> handled = new CopyOnWriteArrayList<>();
    final Map<String, List<Long>> seqsByInstance = new ConcurrentHashMap<>();
    final Set<Integer> held = ConcurrentHashMap.newKeySet();
    final Set<Integer> everRevoked = ConcurrentHashMap.newKeySet();
    /** Broken promises of the consumer, such as an event of a partition it was not assigned. */
    final List<String> violations = new CopyOnWriteArrayList<>();

    Recorder(String name, List<String> journal) {
        this.name = name;
        this.journal = journal;
    }

    Recorder(String name) {
        this(name, new CopyOnWriteArrayList<>());
    }

    @Override
    public void handle(int partition, Event event) {
        if (!held.contains(partition)) {
            violations.add(name + " got event " + event.seq() + " of partition " + partition + " which it does not hold");
        }
        journal.add(name + " handled " + partition + " " + event.seq());
        handled.add(event);
        seqsByInstance.computeIfAbsent(event.instance(), i -> new CopyOnWriteArrayList<>()).add(event.seq());
    }

    @Override
    public void assigned(Collection<Integer> partitions) {
        journal.add(name + " assigned " + new ArrayList<>(partitions));
        held.addAll(partitions);
    }

    @Override
    public void revoked(Collection<Integer> partitions) {
        journal.add(name + " revoked " + new ArrayList<>(partitions));
        held.removeAll(partitions);
        everRevoked.addAll(partitions);
    }

    Set<Long> handledSeqs() {
        Set<Long> seqs = ConcurrentHashMap.newKeySet();
        for (Event e : handled) {
            seqs.add(e.seq());
        }
        return seqs;
    }

    @Override
    public String toString() {
        return name;
    }
}
