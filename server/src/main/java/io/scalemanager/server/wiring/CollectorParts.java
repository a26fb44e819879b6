package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.collector.CollectorRoutes;
import io.scalemanager.collector.CollectorSettings;
import io.scalemanager.collector.StoreUnavailableException;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.ingest.CommitListener;
import io.scalemanager.history.ingest.GroupCommitWriter;
import io.scalemanager.history.ingest.WriteUnavailableException;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The collector: the ingestion routes and the EventLog writer behind them, built the same way for {@code run}
 * and for {@code collector}. Ingestion stays closed (503) until {@link #open()}, so a process can finish
 * starting, and replaying, before it takes new states.
 */
final class CollectorParts implements AutoCloseable {
    private static final int MYSQL_COMMIT_ROWS = 5000;

    /** The collector.* and history.* settings, read before anything starts so a bad value stops start-up. */
    record Options(HttpSettings http, CollectorSettings collector, Duration storeTimeout, int commitRows,
                   int writerId, int maxPendingStates, Credentials credentials) {

        static Options read(Settings settings, HostPort listen, DatabaseSettings db, Credentials credentials) {
            HttpSettings http = ServerSettings.http(settings, listen,
                    settings.longValue(ConfigKeys.COLLECTOR_MAX_BODY, 1024, 1L << 30));
            CollectorSettings collector = new CollectorSettings(
                    settings.integer(ConfigKeys.COLLECTOR_MAX_STATES, 1, 1_000_000),
                    settings.duration(ConfigKeys.COLLECTOR_FUTURE),
                    settings.integer(ConfigKeys.COLLECTOR_RATE, 1, Integer.MAX_VALUE),
                    settings.integer(ConfigKeys.COLLECTOR_BURST, 1, Integer.MAX_VALUE),
                    settings.integer(ConfigKeys.COLLECTOR_MAX_INSTANCES, 1, Integer.MAX_VALUE),
                    settings.duration(ConfigKeys.MANAGER_FORGET_AFTER));
            // H2 inserts fastest in groups of about 1000 rows, MariaDB/MySQL in larger ones (README, Performance).
            int commitRows = settings.isDefault(ConfigKeys.HISTORY_COMMIT_ROWS) && !db.isH2()
                    ? MYSQL_COMMIT_ROWS : settings.integer(ConfigKeys.HISTORY_COMMIT_ROWS, 100, 1_000_000);
            return new Options(http, collector, settings.duration(ConfigKeys.COLLECTOR_STORE_TIMEOUT), commitRows,
                    settings.integer(ConfigKeys.COLLECTOR_WRITER_ID, 0, EventSequence.WRITERS - 1),
                    settings.integer(ConfigKeys.COLLECTOR_MAX_PENDING, 1, 100_000_000), credentials);
        }
    }

    private final Options options;
    private final GroupCommitWriter writer;
    private volatile boolean ingesting;

    /** Starts the EventLog writer; it hands every committed group to {@code queue}. */
    CollectorParts(Options options, EventLog eventLog, CommitListener queue, Clock clock, MeterRegistry registry) {
        this.options = options;
        this.writer = new GroupCommitWriter(eventLog, queue, clock, options.commitRows(), options.writerId(),
                options.maxPendingStates(), registry).start();
    }

    /** An HTTP server with the ingestion routes; the caller adds its other routes and starts it. */
    ApiServer server(Clock clock, PrometheusMeterRegistry registry, Consumer<String> onInstanceLimit) {
        return new ApiServer(options.http(), registry)
                .add(new CollectorRoutes(states -> {
                    if (!ingesting) {
                        throw new StoreUnavailableException("starting or stopping; try again shortly");
                    }
                    try {
                        writer.write(states, options.storeTimeout());
                    } catch (WriteUnavailableException e) {
                        throw new StoreUnavailableException(e.getMessage(), e);
                    }
                }, options.collector(), clock, registry, onInstanceLimit))
                .addReadinessCheck(ServerSettings.readiness("ingestion", () -> ingesting));
    }

    void open() {
        ingesting = true;
    }

    /** Closes ingestion and writes what was accepted. */
    @Override
    public void close() {
        ingesting = false;
        writer.close();
    }
}
