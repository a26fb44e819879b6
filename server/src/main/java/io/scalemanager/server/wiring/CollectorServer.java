package io.scalemanager.server.wiring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaEventPublisher;
import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * {@code scalemanager collector}: ingestion alone, for a distributed deployment. Each group of states is
 * committed to the shared EventLog, then published to Kafka, and the requests are answered 202 only when Kafka
 * acknowledged (ADR 7). Stateless apart from its writer id: run as many as the load needs.
 */
public final class CollectorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectorServer.class);

    private final StartedParts parts = new StartedParts();

    private CollectorServer() {
    }

    public static CollectorServer start(Settings settings) {
        ServerSettings.requireTokens(settings, "collector");
        HostPort listen = ServerSettings.listen(settings);
        DatabaseSettings dbSettings = ServerSettings.database(settings);
        CollectorParts.Options options = CollectorParts.Options.read(settings, listen, dbSettings,
                ServerSettings.credentials(settings));
        KafkaQueueSettings kafka = KafkaQueueConfig.read(settings).orElseThrow(() -> new StartupException(
                "config key 'queue.kafka.bootstrap': the collector publishes to Kafka; set it (--kafka HOST:PORT)"));
        CollectorServer collector = new CollectorServer();
        try {
            collector.wire(options, dbSettings, kafka);
        } catch (RuntimeException e) {
            collector.close();
            throw e;
        }
        log.info("ScaleManager collector {} is running on {}, publishing to Kafka topic {}", options.writerId(),
                new HostPort(listen.host(), collector.port()), kafka.topic());
        return collector;
    }

    private void wire(CollectorParts.Options options, DatabaseSettings dbSettings, KafkaQueueSettings kafka) {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = ServerSettings.registry();
        Database db = parts.started(Database.open(dbSettings));
        int partitions = KafkaQueueConfig.ensureTopic(kafka);
        KafkaEventPublisher publisher = parts.started(
                new KafkaEventPublisher(kafka, new InstancePartitioner(partitions), registry));
        // Stopped in the other order: HTTP, then the writer commits and publishes what it took, then Kafka flushes.
        CollectorParts collector = parts.started(new CollectorParts(options, new JdbcEventLog(db.dataSource()),
                publisher::publish, clock, registry));
        // Recorded and logged (GET /v1/alerts on the managers); the managers' channels do not see it.
        AlertLog alerts = new AlertLog(db.dataSource(), clock);
        parts.serve(collector.server(clock, registry, message ->
                        alerts.raise(Severity.CRITICAL, null, null, AlertKind.INSTANCE_LIMIT, message))
                .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable))
                .addReadinessCheck(ServerSettings.readiness("kafka", publisher::available))
                .access(options.credentials(), new AuditLog(db.dataSource(), clock)));
        collector.open();
    }

    public int port() {
        return parts.port();
    }

    @Override
    public void close() {
        parts.close();
    }
}
