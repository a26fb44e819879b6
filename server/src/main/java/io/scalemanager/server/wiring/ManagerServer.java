package io.scalemanager.server.wiring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.manager.alert.AlertWatch;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaEventConsumer;
import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code scalemanager manager}: one member of the managers' Kafka consumer group. It decides for the instances
 * of the partitions it holds, rebuilding their rule windows from the shared EventLog when it gets them (ADR 7),
 * writes the shared ActionLog, sends commands to the instance API at manager.instance_api.url, and alerts. Its
 * HTTP port serves the actions, alerts, fleet view (its own instances and, through the roster, the other
 * managers') and silences.
 */
public final class ManagerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ManagerServer.class);
    private static final long MAX_READ_BODY = 1L << 16;
    /** A readiness check must answer within a second or two. */
    private static final Duration INSTANCE_API_READY_TIMEOUT = Duration.ofMillis(1500);

    private final StartedParts started = new StartedParts();

    private ManagerServer() {
    }

    public static ManagerServer start(Settings settings) throws RulesetException, IOException {
        ServerSettings.requireTokens(settings, "manager");
        HostPort listen = ServerSettings.listen(settings);
        DatabaseSettings dbSettings = ServerSettings.database(settings);
        RulesSource ruleset = AllInOne.loadRules(settings);
        ManagerParts.Options options = ManagerParts.Options.read(settings, Optional.empty());
        URI instanceApi = options.instanceApiUrl().orElseThrow(() -> new StartupException(
                "config key 'manager.instance_api.url': a manager process needs the instance API's URL"));
        KafkaQueueSettings kafka = KafkaQueueConfig.read(settings).orElseThrow(() -> new StartupException(
                "config key 'queue.kafka.bootstrap': the manager reads its events from Kafka; set it "
                        + "(--kafka HOST:PORT)"));
        HttpSettings http = ServerSettings.http(settings, listen, MAX_READ_BODY);
        ManagerServer manager = new ManagerServer();
        manager.credentials = ServerSettings.credentials(settings);
        try {
            manager.wire(ruleset, options, instanceApi, dbSettings, kafka, listen, http);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        log.info("ScaleManager manager is running on {}, in Kafka group {} on topic {}, {} rules loaded",
                new HostPort(listen.host(), manager.port()), kafka.consumerGroup(), kafka.topic(),
                ruleset.ruleset().rules().size());
        return manager;
    }

    private Credentials credentials;

    private void wire(RulesSource rules, ManagerParts.Options options, URI instanceApi, DatabaseSettings dbSettings,
                      KafkaQueueSettings kafka, HostPort listen, HttpSettings http) {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = ServerSettings.registry();
        Database db = started.started(Database.open(dbSettings));
        JdbcEventLog eventLog = new JdbcEventLog(db.dataSource());
        int partitions = KafkaQueueConfig.ensureTopic(kafka);
        InstancePartitioner partitioner = new InstancePartitioner(partitions);
        ManagerParts manager = new ManagerParts(rules, rules.current(clock), options, db, eventLog, partitions,
                () -> instanceApi, options.clientTls(), clock, registry);
        started.started(manager.pauses);
        // Decisions are written until just before the database closes, after the consumer stopped.
        started.stopBefore(db, manager.decisions);
        // Alerts are delivered until just before the database closes, so the drain's alerts can still go out.
        started.started(manager.dispatcher);
        KafkaEventConsumer consumer = new KafkaEventConsumer(kafka, clock, registry);
        AlertWatch watch = started.started(manager.watch(consumer::lagMillis));
        // Stopped in the other order: HTTP, the consumer (finishes its event, commits), the commands in flight.
        started.started(manager.executor);
        started.started(consumer);
        ApiServer server = new ApiServer(http, registry)
                .access(credentials, new AuditLog(db.dataSource(), clock))
                .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable))
                .addReadinessCheck(ServerSettings.readiness("kafka", consumer::connected))
                .addReadinessCheck(ServerSettings.readiness("instance_api",
                        () -> manager.instanceApi.ready(INSTANCE_API_READY_TIMEOUT)));
        manager.addRoutesTo(server, true);
        manager.addDashboardTo(server, eventLog);
        manager.reloadOnHangup();
        started.serve(server);
        started.started(manager.joinRoster(listen, started.port()));
        consumer.start(manager.manager, manager.handover(eventLog, partitioner::partitionOf));
        manager.dispatcher.start(Duration.ofSeconds(1));
        watch.start(Duration.ofSeconds(10));
        started.started(manager.scheduler).start(ManagerParts.SCHEDULE_TICK);
        started.started(manager.verifier).start(ManagerParts.VERIFY_INTERVAL);
        started.started(manager.rollbacks).start(ManagerParts.VERIFY_INTERVAL);
    }

    public int port() {
        return started.port();
    }

    @Override
    public void close() {
        started.close();
    }
}
