package io.scalemanager.server.wiring;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.history.http.HistoryLimits;
import io.scalemanager.history.http.HistoryRoutes;
import io.scalemanager.history.jdbc.JdbcEventLog;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * {@code scalemanager history}: the History API alone, reading the EventLog of a shared database (MariaDB or
 * MySQL), so window questions from dashboards and scripts do not load the collectors or the manager.
 */
public final class HistoryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryServer.class);

    private final Database db;
    private final ApiServer server;

    private HistoryServer(Database db, ApiServer server) {
        this.db = db;
        this.server = server;
    }

    public static HistoryServer start(Settings settings) {
        HostPort listen = ServerSettings.listen(settings);
        HttpSettings http = ServerSettings.http(settings, listen, 1L << 16);
        HistoryLimits limits = ServerSettings.historyLimits(settings);
        Database db = Database.open(ServerSettings.database(settings));
        try {
            ApiServer server = ServerSettings.guarded(new ApiServer(http, ServerSettings.registry()), settings, db)
                    .add(new HistoryRoutes(new JdbcEventLog(db.dataSource()), Clock.systemUTC(), limits))
                    .addReadinessCheck(ServerSettings.readiness("database", db::isAvailable))
                    .start();
            log.info("ScaleManager history is running on {}", new HostPort(listen.host(), server.port()));
            return new HistoryServer(db, server);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        db.close();
    }
}
