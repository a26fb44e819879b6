package io.scalemanager.server.wiring;

import io.scalemanager.core.web.ApiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * What a server process has started, and the order to stop it in: by default the reverse of starting, so each
 * part stops before what it depends on (HTTP before the writer, the writer before the queue, everything before
 * the database). One part failing to stop does not keep the others running.
 */
final class StartedParts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StartedParts.class);

    private final List<AutoCloseable> stopOrder = new ArrayList<>();
    private ApiServer server;

    /** Records a started part: it stops before every part recorded so far. */
    <T extends AutoCloseable> T started(T part) {
        stopOrder.add(0, part);
        return part;
    }

    /** Records a part that must stop right before {@code later}, e.g. alert delivery just before the database. */
    void stopBefore(AutoCloseable later, AutoCloseable part) {
        stopOrder.add(indexOf(later), part);
    }

    /** Records a part that must stop right after {@code earlier}, e.g. the commands after the queue drained. */
    void stopAfter(AutoCloseable earlier, AutoCloseable part) {
        stopOrder.add(indexOf(earlier) + 1, part);
    }

    private int indexOf(AutoCloseable part) {
        int i = stopOrder.indexOf(part);
        if (i < 0) {
            throw new IllegalStateException(part.getClass().getSimpleName() + " was not recorded as started");
        }
        return i;
    }

    /** Starts the process's HTTP server; it stops first, and says "stopping" on /ready before anything stops. */
    ApiServer serve(ApiServer api) {
        server = started(api);
        api.start();
        return api;
    }

    /** The HTTP port (the real one when 0 was configured). */
    int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.markStopping();
        }
        for (AutoCloseable part : stopOrder) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}: {}", part.getClass().getSimpleName(), e.getMessage());
            }
        }
        stopOrder.clear();
    }
}
