package io.scalemanager.history.ingest;

import io.scalemanager.core.state.Event;

import java.util.List;

/** Told about every group of events right after it is committed, in commit order (the queue listens here). */
@FunctionalInterface
public interface CommitListener {
    void committed(List<Event> events);
}
