package io.scalemanager.collector;

import io.scalemanager.core.state.State;

import java.util.List;

/**
 * Where the collector hands validated states. {@link #store} returns only once the states are durably stored
 * (history committed and handed to the queue), because the collector answers {@code 202} right after it.
 */
public interface StateSink {

    /**
     * Stores the states, in order, all or nothing.
     *
     * @throws StoreUnavailableException when storage or the queue cannot take them now, or did not confirm in
     *                                   time; the collector answers {@code 503} and the agent retries later
     */
    void store(List<State> states);
}
