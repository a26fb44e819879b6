package io.scalemanager.server.wiring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.manager.alert.Severity;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.history.http.HistoryLimits;
import io.scalemanager.history.http.HistoryRoutes;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.manager.alert.AlertKind;
import io.scalemanager.manager.alert.AlertWatch;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.alert.config.AlertsConfigException;
import io.scalemanager.manager.alert.config.AlertsConfigParser;
import io.scalemanager.manager.command.StuckActions;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.manager.rules.RulesetParser;
import io.scalemanager.queue.kafka.KafkaQueueSettings;
import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
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
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code scalemanager run}: collector, history, queue, manager, instance API and cleaner in one process, wired
 * explicitly here. The queue is the embedded one unless queue.kafka.bootstrap names a Kafka cluster. The manager
 * reaches the instance API over HTTP, as it does when they run apart.
 *
 * <p>Start order matters: the database first; then the instance API (it resumes its operations); then HTTP,
 * with ingestion closed; then the manager warms its windows from the history and the queue replays what was
 * accepted but not yet decided; only then does the collector accept states, so replayed and new events of an
 * instance stay in order. Stopping runs the other way and drains each stage into the next.
 */
public final class AllInOne implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AllInOne.class);

    private final StartedParts started = new StartedParts();
    private final HostPort listen;
    private final AdminToken admin;
    private ApiServer server;
    private volatile String scheme = "http";
    /** What this process's own clients trust when calling it: its own certificate over TLS. */
    private volatile ClientTls ownTls = ClientTls.SYSTEM;

    private AllInOne(HostPort listen, AdminToken admin) {
        this.listen = listen;
        this.admin = admin;
    }

    public static AllInOne start(Settings settings) throws RulesetException, IOException {
        return start(settings, loadRules(settings), dataDir(settings, "./data"));
    }

    /**
     * The demo: the built-in demo ruleset and its own database under ./data/demo unless others are named on the
     * command line. A config file's rules, data and db.url are meant for {@code run} and are not used here.
     */
    public static AllInOne startDemo(Settings settings) throws RulesetException, IOException {
        Settings own = settings.defaultsUnlessFlagged(ConfigKeys.RULES, ConfigKeys.DATA, ConfigKeys.DB_URL);
        RulesSource ruleset = own.isDefault(ConfigKeys.RULES) ? demoRuleset() : loadRules(own);
        String data = own.isDefault(ConfigKeys.DATA) ? "./data/demo" : own.string(ConfigKeys.DATA);
        log.info("Demo: {}, {}", own.isDefault(ConfigKeys.RULES) ? "the built-in demo ruleset" : "ruleset "
                + own.string(ConfigKeys.RULES),
                own.optional(ConfigKeys.DB_URL).map(u -> "database " + DatabaseSettings.withoutCredentials(u))
                        .orElse("data in " + Path.of(data).toAbsolutePath().normalize()));
        return start(own, ruleset, data);
    }

    private static AllInOne start(Settings settings, RulesSource ruleset, String dataDir) {
        // Read every setting before starting anything, so a bad value stops start-up with its key named.
        HostPort listen = ServerSettings.listen(settings);
        DatabaseSettings dbSettings = ServerSettings.database(settings, dataDir);
        AdminToken admin = ServerSettings.adminToken(settings, dataDir);
        CollectorParts.Options collector = CollectorParts.Options.read(settings, listen, dbSettings,
                ServerSettings.credentials(settings, admin));
        Optional<KafkaQueueSettings> kafka = KafkaQueueConfig.read(settings);
        int partitions = settings.integer(ConfigKeys.QUEUE_PARTITIONS, 1, 256);
        int capacity = settings.integer(ConfigKeys.QUEUE_CAPACITY, 1000, 50_000_000);
        SimulatorSettings simulator = ServerSettings.simulator(settings);
        Optional<Path> providers = settings.optional(ConfigKeys.PROVIDERS).map(Path::of);
        ClientTls outsideTls = ServerSettings.outsideTls(settings);
        ManagerParts.Options manager = ManagerParts.Options.read(settings, Optional.of(admin.value()));
        HistoryLimits historyLimits = ServerSettings.historyLimits(settings);
        Optional<CleanerSettings> cleaner = settings.bool(ConfigKeys.CLEANER_ENABLED)
                ? Optional.of(CleanerProcess.cleanerSettings(settings)) : Optional.empty();

        AllInOne app = new AllInOne(listen, admin);
        try {
            app.wire(ruleset, dbSettings, collector, kafka, partitions, capacity, simulator, providers, outsideTls,
                    manager, cleaner, historyLimits);
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        return app;
    }

    private void wire(RulesSource rules, DatabaseSettings dbSettings, CollectorParts.Options collectorOptions,
                      Optional<KafkaQueueSettings> kafka, int partitions, int capacity,
                      SimulatorSettings simulatorSettings, Optional<Path> providers, ClientTls outsideTls,
                      ManagerParts.Options managerOptions, Optional<CleanerSettings> cleanerSettings,
                      HistoryLimits historyLimits) {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = ServerSettings.registry();
        scheme = collectorOptions.http().scheme();
        ownTls = collectorOptions.http().tls().map(tls -> ClientTls.pinnedTo(tls.cert())).orElse(ClientTls.SYSTEM);

        Database db = started.started(Database.open(dbSettings));
        JdbcEventLog eventLog = new JdbcEventLog(db.dataSource());
        CurrentRuleset rulesets = rules.current(clock);

        // Instance API with the providers of the providers file, or the simulator for every instance.
        SimulatorProvider simulator = new SimulatorProvider(db, simulatorSettings, eventLog::hasReported, Set.of());
        Provider provider = providers.isEmpty() ? simulator : ProviderWiring.load(providers.get(), simulator, outsideTls);
        if (provider instanceof AutoCloseable c) {
            started.started(c);
        }
        OperationService operations = started.started(new OperationService(new OperationStore(db), provider,
                () -> rulesets.get().limits(), clock, registry, OperationSettings.defaults()).start());

        // Queue, manager.
        QueueWiring queue = started.started(kafka.isPresent() ? QueueWiring.kafka(kafka.get(), clock, registry)
                : QueueWiring.embedded(partitions, capacity, db, eventLog, clock, registry));
        // Without manager.instance_api.url the manager calls this process's own instance API, over TLS when it
        // listens with TLS: trusting exactly its own certificate, whose names need not include the listen address.
        ManagerParts manager = new ManagerParts(rules, rulesets, managerOptions, db, eventLog, queue.partitions(),
                () -> URI.create(scheme() + "://" + address()), ownTls, clock, registry);
        started.started(manager.pauses);
        // Decisions are written until just before the database closes, after the queue drained into the manager.
        started.stopBefore(db, manager.decisions);
        operations.listener(new DirectResizeRecorder(manager.actionLog, op -> manager.sizes.forget(op.instance())));

        // Alerts are delivered until just before the database closes, so the drain's alerts can still go out.
        started.stopBefore(db, manager.dispatcher);
        // The queue drains into the manager, whose commands then still go out.
        started.stopAfter(queue, manager.executor);

        // Collector: the EventLog writer commits, then hands the events to the queue; it drains into the queue.
        CollectorParts collector = started.started(new CollectorParts(collectorOptions, eventLog,
                queue.afterCommit(), clock, registry));
        ApiServer server = collector.server(clock, registry, message ->
                        manager.alertLog.raise(Severity.CRITICAL, null, null, AlertKind.INSTANCE_LIMIT, message))
                .add(new HistoryRoutes(eventLog, clock, historyLimits));
        // The manager's routes come before the instance API's: /v1/instances/{id}/why before /v1/instances/<id>.
        manager.addRoutesTo(server, kafka.isPresent());
        server.add(new InstanceApiRoutes(operations, provider, Duration.ofSeconds(60)))
                .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable))
                .addReadinessCheck(ServerSettings.readiness("queue", queue::available))
                .access(collectorOptions.credentials(), new AuditLog(db.dataSource(), clock));
        manager.reloadOnHangup();
        manager.addDashboardTo(server, eventLog);
        this.server = server;
        AlertWatch watch = started.started(manager.watch(queue::lagMillis));
        started.serve(server);
        if (kafka.isPresent()) {
            started.started(manager.joinRoster(listen, started.port()));
        }

        queue.start(manager, eventLog);
        manager.dispatcher.start(Duration.ofSeconds(1));
        watch.start(Duration.ofSeconds(10));
        started.started(manager.scheduler).start(ManagerParts.SCHEDULE_TICK);
        started.started(manager.verifier).start(ManagerParts.VERIFY_INTERVAL);
        started.started(manager.rollbacks).start(ManagerParts.VERIFY_INTERVAL);
        collector.open();
        // The cleaner's first run waits an interval, so it never competes with start-up and replay.
        cleanerSettings.ifPresent(cs -> started.started(new Cleaner(db, cs, clock,
                CleanerProcess.stuckCheck(new StuckActions(manager.actionLog, manager.finisher, manager.instanceApi,
                        clock, cs.stuckAfter())), CleanerProcess.decidedEvents(db), registry).start(cs.interval())));
        log.info("ScaleManager is running on {}://{} (collector, history, queue, manager, instance API)",
                scheme(), address());
    }

    /** {@code https} when the process listens with TLS (tls.cert), else {@code http}. */
    public String scheme() {
        return scheme;
    }

    /**
     * How a client in this process calls it ({@code scheme()://address()}): over TLS trusting exactly the
     * certificate it serves (whose names need not include the listen address), else plain.
     */
    public ClientTls ownClientTls() {
        return ownTls;
    }

    /** HOST:PORT the server answers on (the real port when 0 was configured). */
    public String address() {
        String host = listen.host().equals("0.0.0.0") || listen.host().equals("::") ? "127.0.0.1" : listen.host();
        return new HostPort(host, started.port()).toString();
    }

    /**
     * The admin token this process accepts and its own clients send: api.token, the one generated into
     * {@code DATA/admin.token}, or one made for this process alone when only a tokens file is set.
     */
    public String adminToken() {
        return admin.value();
    }

    /** Every route this process serves. */
    public List<ApiServer.Endpoint> endpoints() {
        return server.endpoints();
    }

    static Ruleset loadRuleset(Settings settings) throws RulesetException, IOException {
        return loadRules(settings).ruleset();
    }

    /** The rules file of config key {@code rules}, with the hash of its text and its path for reloads. */
    static RulesSource loadRules(Settings settings) throws RulesetException, IOException {
        Path file = Path.of(settings.string(ConfigKeys.RULES));
        if (!Files.exists(file)) {
            if (settings.isDefault(ConfigKeys.RULES)) {
                log.warn("No ruleset at {}: running without rules. Start from config/rules.example.yaml.", file);
                // A reload reads the default path, so a ruleset put there later takes effect without a restart.
                return new RulesSource(Ruleset.EMPTY, CurrentRuleset.hash(""), Optional.of(file));
            }
            throw new StartupException("config key 'rules' (from " + settings.source(ConfigKeys.RULES)
                    + "): the ruleset file " + file.toAbsolutePath().normalize() + " does not exist. Name an "
                    + "existing file with --rules FILE, or start from config/rules.example.yaml");
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return new RulesSource(RulesetParser.parse(text, file.toString()), CurrentRuleset.hash(text),
                Optional.of(file));
    }

    private static RulesSource demoRuleset() throws RulesetException, IOException {
        try (InputStream in = AllInOne.class.getResourceAsStream("/demo/rules.yaml")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new RulesSource(RulesetParser.parse(text, "demo/rules.yaml"), CurrentRuleset.hash(text),
                    Optional.empty());
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
            return AlertsConfigParser.parse(path, System.getenv(), ServerSettings.outsideTls(settings));
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

    static URI uri(ConfigKey key, String text) {
        try {
            URI u = URI.create(text);
            if (u.getScheme() == null || u.getHost() == null) {
                throw new IllegalArgumentException(text);
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new StartupException("config key '" + key.key() + "': expected a URL like "
                    + "http://127.0.0.1:8080, got '" + text + "'");
        }
    }

    /** Stops gracefully: stop taking requests, write what was accepted, let the manager decide what was queued. */
    @Override
    public void close() {
        started.close();
    }
}
