package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.collector.CollectorRoutes;
import io.scalemanager.collector.CollectorSettings;
import io.scalemanager.collector.StoreUnavailableException;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.state.EventSequence;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.http.HistoryRoutes;
import io.scalemanager.history.ingest.GroupCommitWriter;
import io.scalemanager.history.ingest.WriteUnavailableException;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.manager.Manager;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertDispatcher;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.AlertOutbox;
import io.scalemanager.manager.alert.AlertWatch;
import io.scalemanager.manager.alert.Silences;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.alert.config.AlertsConfigException;
import io.scalemanager.manager.alert.config.AlertsConfigParser;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.command.CommandSettings;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.http.ManagerRoutes;
import io.scalemanager.manager.http.SilenceRoutes;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import io.scalemanager.queue.ReplaySource;
import io.scalemanager.queue.embedded.EmbeddedQueue;
import io.scalemanager.queue.embedded.OffsetStore;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code scalemanager run}: collector, history, embedded queue, manager, instance API and cleaner in one process,
 * wired explicitly here. The manager still reaches the instance API over HTTP, so the two can be split later.
 *
 * <p>Start order matters: the database first; then the instance API (it resumes its operations); then HTTP,
 * with ingestion closed; then the manager warms its windows from the history and the queue replays what was
 * accepted but not yet decided; only then does the collector accept states, so replayed and new events of an
 * instance stay in order. Stopping runs the other way and drains each stage into the next.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AllInOne.class);
    private static final String QUEUE_CONSUMER = "manager";
    private static final int MYSQL_COMMIT_ROWS = 5000;
    /** Windows are warmed with a little more than the longest `for`, plus the tolerated clock skew. */
    private static final Duration WARM_MARGIN = Duration.ofMinutes(11);
    private static final Duration ALERT_FIRST_BACKOFF = Duration.ofSeconds(5);
    private static final Duration ALERT_MAX_BACKOFF = Duration.ofMinutes(10);

    private final List<AutoCloseable> closeInOrder = new ArrayList<>();
    private final HostPort listen;
    private ApiServer server;
    private volatile boolean ingesting;

    private AllInOne(HostPort listen) {
        this.listen = listen;
    }

    public static AllInOne start(Settings settings) throws RulesetException, IOException {
        return start(settings, loadRuleset(settings), dataDir(settings, "./data"));
    }

    /** The demo: the built-in demo ruleset unless one is named, and its own data directory unless one is named. */
    public static AllInOne startDemo(Settings settings) throws RulesetException, IOException {
        Ruleset ruleset = settings.isDefault(ConfigKeys.RULES) ? demoRuleset() : loadRuleset(settings);
        String data = settings.isDefault(ConfigKeys.DATA) ? "./data/demo" : dataDir(settings, "./data");
        return start(settings, ruleset, data);
    }

    private static AllInOne start(Settings settings, Ruleset ruleset, String dataDir) {
        // Read every setting before starting anything, so a bad value stops start-up with its key named.
        HostPort listen = ServerSettings.listen(settings);
        Optional<String> token = settings.optional(ConfigKeys.API_TOKEN);
        if (settings.optional(ConfigKeys.KAFKA_BOOTSTRAP).isPresent()) {
            throw new StartupException("config key 'queue.kafka.bootstrap': the Kafka queue is not part of this "
                    + "version yet; leave it unset to use the embedded queue");
        }
        DatabaseSettings dbSettings = ServerSettings.database(settings, dataDir);
        HttpSettings http = new HttpSettings(listen.host(), listen.port(),
                settings.longValue(ConfigKeys.COLLECTOR_MAX_BODY, 1024, 1L << 30), token);
        CollectorSettings collector = new CollectorSettings(
                settings.integer(ConfigKeys.COLLECTOR_MAX_STATES, 1, 1_000_000),
                settings.duration(ConfigKeys.COLLECTOR_FUTURE),
                settings.integer(ConfigKeys.COLLECTOR_RATE, 1, Integer.MAX_VALUE),
                settings.integer(ConfigKeys.COLLECTOR_BURST, 1, Integer.MAX_VALUE));
        Duration storeTimeout = settings.duration(ConfigKeys.COLLECTOR_STORE_TIMEOUT);
        // H2 inserts fastest in groups of about 1000 rows, MariaDB/MySQL in larger ones (README, Performance).
        int commitRows = settings.isDefault(ConfigKeys.HISTORY_COMMIT_ROWS) && !dbSettings.isH2()
                ? MYSQL_COMMIT_ROWS : settings.integer(ConfigKeys.HISTORY_COMMIT_ROWS, 100, 1_000_000);
        int partitions = settings.integer(ConfigKeys.QUEUE_PARTITIONS, 1, 256);
        int capacity = settings.integer(ConfigKeys.QUEUE_CAPACITY, 1000, 50_000_000);
        SimulatorSettings simulator = ServerSettings.simulator(settings);
        CommandSettings commands = new CommandSettings(settings.duration(ConfigKeys.MANAGER_POLL),
                Duration.ofSeconds(1), settings.integer(ConfigKeys.MANAGER_MAX_ATTEMPTS, 1, 1000),
                settings.duration(ConfigKeys.MANAGER_ACTION_TIMEOUT));
        Duration maxEventAge = settings.duration(ConfigKeys.MANAGER_MAX_EVENT_AGE);
        Optional<Path> providers = settings.optional(ConfigKeys.PROVIDERS).map(Path::of);
        Optional<URI> instanceApiUrl = settings.optional(ConfigKeys.MANAGER_INSTANCE_API).map(AllInOne::uri);
        Optional<String> instanceApiToken = settings.optional(ConfigKeys.MANAGER_INSTANCE_API_TOKEN).or(() -> token);
        AlertsConfig alerts = loadAlerts(settings);
        Optional<CleanerSettings> cleaner = settings.bool(ConfigKeys.CLEANER_ENABLED)
                ? Optional.of(CleanerProcess.cleanerSettings(settings)) : Optional.empty();

        AllInOne app = new AllInOne(listen);
        try {
            app.wire(ruleset, dbSettings, http, collector, storeTimeout, commitRows, partitions, capacity, simulator,
                    providers, commands, maxEventAge, instanceApiUrl, instanceApiToken, alerts, cleaner);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    private void wire(Ruleset ruleset, DatabaseSettings dbSettings, HttpSettings http, CollectorSettings collector,
                      Duration storeTimeout, int commitRows, int partitions, int capacity,
                      SimulatorSettings simulatorSettings, Optional<Path> providers, CommandSettings commands,
                      Duration maxEventAge, Optional<URI> instanceApiUrl, Optional<String> instanceApiToken,
                      AlertsConfig alerts, Optional<CleanerSettings> cleanerSettings) {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        Database db = Database.open(dbSettings);
        closeInOrder.add(db);
        JdbcEventLog eventLog = new JdbcEventLog(db.dataSource());

        // Instance API with the providers of the providers file, or the simulator for every instance.
        SimulatorProvider simulator = new SimulatorProvider(db, simulatorSettings, eventLog::hasReported, Set.of());
        Provider provider = providers.isEmpty() ? simulator : ProviderWiring.load(providers.get(), simulator);
        if (provider instanceof AutoCloseable c) {
            closeInOrder.add(0, c);
        }
        OperationService operations = new OperationService(new OperationStore(db), provider, ruleset::limits,
                clock, registry, OperationSettings.defaults()).start();
        closeInOrder.add(0, operations);

        // Queue, manager.
        EmbeddedQueue queue = new EmbeddedQueue(partitions, capacity, new OffsetStore(db.dataSource(),
                QUEUE_CONSUMER), replaySource(eventLog), clock, registry);
        ActionLog actionLog = new ActionLog(db.dataSource(), clock);
        // Without channels, alerts are recorded and logged only; with them, they also go through the outbox.
        AlertLog alertLog = new AlertLog(db.dataSource(), clock, alerts.channels().isEmpty() ? null
                : new AlertOutbox(db.dataSource(), clock, alerts));
        AlertDispatcher dispatcher = new AlertDispatcher(db.dataSource(), clock, alerts.channels(),
                ALERT_FIRST_BACKOFF, ALERT_MAX_BACKOFF, registry);
        ActionLocks locks = new ActionLocks();
        Fleet fleet = new Fleet();
        InstanceApiClient instanceApi = new InstanceApiClient(
                () -> instanceApiUrl.orElseGet(() -> URI.create("http://" + address())), instanceApiToken,
                Duration.ofSeconds(10));
        CommandExecutor executor = new CommandExecutor(actionLog, locks, instanceApi, alertLog, ruleset::limits,
                clock, commands, registry);
        Manager manager = new Manager(ruleset, partitions, actionLog, locks, executor, alertLog, fleet, clock,
                maxEventAge, registry);

        // Collector: the EventLog writer commits, then hands the events to the queue.
        GroupCommitWriter writer = new GroupCommitWriter(eventLog, queue::publish, clock, commitRows, registry)
                .start();
        server = new ApiServer(http, registry)
                .add(new CollectorRoutes(states -> {
                    if (!ingesting) {
                        throw new StoreUnavailableException("starting or stopping; try again shortly");
                    }
                    try {
                        writer.write(states, storeTimeout);
                    } catch (WriteUnavailableException e) {
                        throw new StoreUnavailableException(e.getMessage(), e);
                    }
                }, collector, clock, registry))
                .allowChunkedBodies(CollectorRoutes.BATCH_PATH, CollectorRoutes.SINGLE_PATH)
                .add(new HistoryRoutes(eventLog, clock))
                .add(new ManagerRoutes(actionLog, alertLog, fleet, instanceApi))
                .add(new SilenceRoutes(new Silences(db.dataSource(), clock), clock))
                .add(new InstanceApiRoutes(operations, provider, Duration.ofSeconds(60)))
                .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable))
                .addReadinessCheck(ServerSettings.readiness("ingestion", () -> ingesting));
        dispatcher.readinessChecks().forEach(server::addReadinessCheck);
        AlertWatch watch = new AlertWatch(alertLog, fleet, queue::lagMillis, clock, alerts.stoppedReportingAfter(),
                alerts.maxLag(), alerts.repeatInterval());
        // Alerts are delivered until just before the database closes, so the drain's alerts can still go out.
        closeInOrder.add(closeInOrder.indexOf(db), dispatcher);
        closeInOrder.add(0, watch);
        // Closed in this order: HTTP, then the writer drains, then the queue drains into the manager.
        closeInOrder.add(0, executor);
        closeInOrder.add(0, queue);
        closeInOrder.add(0, writer);
        closeInOrder.add(0, server);
        server.start();

        long head = eventLog.lastSeq();
        long warmFrom = EventSequence.firstAt(clock.millis() - longestFor(ruleset).plus(WARM_MARGIN).toMillis());
        int[] warmed = {0};
        eventLog.scan(warmFrom, head, e -> {
            manager.warm(queue.partitionOf(e.instance()), e);
            warmed[0]++;
        });
        log.info("Warmed the rule windows with {} recent events; {} rules loaded", warmed[0], ruleset.rules().size());
        queue.start(manager);
        executor.resumeUnfinished();
        dispatcher.start(Duration.ofSeconds(1));
        watch.start(Duration.ofSeconds(10));
        ingesting = true;
        // The cleaner's first run waits an interval, so it never competes with start-up and replay.
        cleanerSettings.ifPresent(cs -> closeInOrder.add(0, new Cleaner(db, cs, clock, actionLog, alertLog,
                instanceApi, locks, registry).start(cs.interval())));
        log.info("ScaleManager is running on http://{} (collector, history, queue, manager, instance API)",
                address());
    }

    private static Duration longestFor(Ruleset ruleset) {
        Duration longest = Duration.ZERO;
        for (Duration d : ruleset.longestForByType().values()) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest;
    }

    private static ReplaySource replaySource(EventLog eventLog) {
        return new ReplaySource() {
            @Override
            public long lastSeq() {
                return eventLog.lastSeq();
            }

            @Override
            public void scan(long afterSeq, long upToSeq, Consumer<Event> consumer) {
                eventLog.scan(afterSeq, upToSeq, consumer);
            }
        };
    }

    /** HOST:PORT the server answers on (the real port when 0 was configured). */
    public String address() {
        String host = listen.host().equals("0.0.0.0") || listen.host().equals("::") ? "127.0.0.1" : listen.host();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
    }

    static Ruleset loadRuleset(Settings settings) throws RulesetException, IOException {
        Path file = Path.of(settings.string(ConfigKeys.RULES));
        if (!Files.exists(file)) {
            if (settings.isDefault(ConfigKeys.RULES)) {
                log.warn("No ruleset at {}: running without rules. Start from config/rules.example.yaml.", file);
                return Ruleset.EMPTY;
            }
            throw new StartupException("config key 'rules': the ruleset file " + file + " does not exist");
        }
        return RulesetParser.parse(file);
    }

    private static Ruleset demoRuleset() throws RulesetException, IOException {
        try (InputStream in = AllInOne.class.getResourceAsStream("/demo/rules.yaml")) {
            return RulesetParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo/rules.yaml");
        }
    }

    /** The alerts file named by config key {@code alerts}, or no channels when none is named. */
    public static AlertsConfig loadAlerts(Settings settings) {
        Optional<String> file = settings.optional(ConfigKeys.ALERTS).filter(f -> !f.isBlank());
        if (file.isEmpty()) {
            return AlertsConfig.NONE;
        }
        Path path = Path.of(file.get());
        try {
            return AlertsConfigParser.parse(path, System.getenv());
        } catch (AlertsConfigException e) {
            throw new StartupException("config key 'alerts': the alerts file is invalid:\n" + e.getMessage());
        } catch (IOException e) {
            throw new StartupException("config key 'alerts': cannot read the alerts file " + path + ": "
                    + e.getMessage());
        }
    }

    private static String dataDir(Settings settings, String fallback) {
        return settings.optional(ConfigKeys.DATA).orElse(fallback);
    }

    static URI uri(String text) {
        try {
            URI u = URI.create(text);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException(text);
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new StartupException("config key 'manager.instance_api.url': expected a URL like "
                    + "http://127.0.0.1:8080, got '" + text + "'");
        }
    }

    /** Stops gracefully: stop taking requests, write what was accepted, let the manager decide what was queued. */
    @Override
    public void close() {
        ingesting = false;
        if (server != null) {
            server.markStopping();
        }
        for (AutoCloseable c : closeInOrder) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Error while stopping {}: {}", c.getClass().getSimpleName(), e.getMessage());
            }
        }
        closeInOrder.clear();
    }
}
