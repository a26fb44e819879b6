package io.scalemanager.server.wiring;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.instanceapi.http.InstanceApiRoutes;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code scalemanager instance-api}: only the instance API (resizes, operations, sizes, the original
 * {@code POST /instance}), for running next to libvirt or wherever the hoster's API is reachable, while the rest
 * runs elsewhere and reaches it through {@code manager.instance_api.url}. Limits come from the ruleset's
 * {@code limits}; operations live in the configured database (shared with the managers in a distributed
 * deployment, so "one operation per instance" holds whichever manager asks).
 */
public final class InstanceApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceApiServer.class);

    private final StartedParts started = new StartedParts();

    private InstanceApiServer() {
    }

    public static InstanceApiServer start(Settings settings) throws RulesetException, IOException {
        ServerSettings.requireTokens(settings, "instance API");
        HostPort listen = ServerSettings.listen(settings);
        Ruleset ruleset = AllInOne.loadRuleset(settings);
        DatabaseSettings dbSettings = ServerSettings.database(settings);
        SimulatorSettings simulatorSettings = ServerSettings.simulator(settings);
        Optional<Path> providers = settings.optional(ConfigKeys.PROVIDERS).map(Path::of);
        ClientTls outsideTls = ServerSettings.outsideTls(settings);
        HttpSettings http = ServerSettings.http(settings, listen, 1L << 20);

        InstanceApiServer app = new InstanceApiServer();
        try {
            Database db = app.started.started(Database.open(dbSettings));
            PrometheusMeterRegistry registry = ServerSettings.registry();
            // The simulator knows the instances that reported to this database, if any did.
            SimulatorProvider simulator = new SimulatorProvider(db, simulatorSettings,
                    new JdbcEventLog(db.dataSource())::hasReported, Set.of());
            Provider provider = providers.isEmpty() ? simulator : ProviderWiring.load(providers.get(), simulator, outsideTls);
            if (provider instanceof AutoCloseable c) {
                app.started.started(c);
            }
            OperationService operations = app.started.started(new OperationService(new OperationStore(db), provider,
                    ruleset::limits, Clock.systemUTC(), registry, OperationSettings.defaults())
                    // direct resizes appear in /v1/actions of the managers sharing this database
                    .listener(new DirectResizeRecorder(new ActionLog(db.dataSource(), Clock.systemUTC())))
                    .start());
            app.started.serve(ServerSettings.guarded(new ApiServer(http, registry), settings, db)
                    .add(new InstanceApiRoutes(operations, provider, Duration.ofSeconds(60)))
                    .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable)));
        } catch (RuntimeException e) {
            app.close();
            throw e;
        }
        log.info("ScaleManager instance API is running on {}", new HostPort(listen.host(), app.port()));
        return app;
    }

    public int port() {
        return started.port();
    }

    @Override
    public void close() {
        started.close();
    }
}
