package io.scalemanager.server.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Stops what a server process started, in the given order; one part failing to stop does not keep the rest. */
final class Shutdown {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private Shutdown() {
    }

    static void closeInOrder(List<AutoCloseable> parts) {
        for (AutoCloseable c : parts) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        parts.clear();
    }
}
