package io.scalemanager.collector;

import io.scalemanager.core.state.State;

import java.util.ArrayList;
import java.util.List;

/** Remembers every batch it was given, or refuses them all like a storage that is down. */
final class RecordingSink implements StateSink {
    private final List<List<State>> batches = new ArrayList<>();
    private volatile String unavailable;

    @Override
    public synchronized void store(List<State> states) {
        if (unavailable != null) {
            throw new StoreUnavailableException(unavailable);
        }
        batches.add(List.copyOf(states));
    }

    void failWith(String message) {
        unavailable = message;
    }

    synchronized List<List<State>> batches() {
        return List.copyOf(batches);
    }

    synchronized List<State> states() {
        List<State> all = new ArrayList<>();
        for (List<State> batch : batches) {
            all.addAll(batch);
        }
        return all;
    }
}
