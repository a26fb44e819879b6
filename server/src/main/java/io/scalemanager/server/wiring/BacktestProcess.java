package io.scalemanager.server.wiring;

import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.history.jdbc.EventLogReplay;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.backtest.BacktestSettings;
import io.scalemanager.manager.backtest.Backtester;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * {@code scalemanager rules backtest}: the configured database opened for a backtest, and the backtest wiring a
 * manager's {@code POST /v1/rules/backtest} shares: the history's EventLog reader (archive included) handed to
 * the manager's backtest through its {@code RecordedEvents} seam.
 */
public final class BacktestProcess implements AutoCloseable {
    private final Database db;
    private final Backtester backtester;

    private BacktestProcess(Database db, Backtester backtester) {
        this.db = db;
        this.backtester = backtester;
    }

    /** The manager settings a backtest decides with: those of the configured managers. */
    public static BacktestSettings settings(Settings settings) {
        return new BacktestSettings(settings.duration(ConfigKeys.MANAGER_MAX_EVENT_AGE),
                settings.duration(ConfigKeys.MANAGER_MAX_GAP), settings.duration(ConfigKeys.MANAGER_VERIFY_TIMEOUT),
                ServerSettings.simulator(settings).defaultSize(), settings.bool(ConfigKeys.MANAGER_DRY_RUN));
    }

    static Backtester backtester(Database db, BacktestSettings settings) {
        return new Backtester(new EventLogReplay(db.dataSource())::replay, new ActionLog(db.dataSource(),
                Clock.systemUTC()), new Pauses(db.dataSource(), Clock.systemUTC()), settings);
    }

    /**
     * Opens the configured database (an H2 file must exist already: a backtest has nothing to read in a new one).
     * H2 allows one process at a time: a running server's file is refused with a hint.
     */
    public static BacktestProcess open(Settings settings) {
        DatabaseSettings dbSettings = ServerSettings.database(settings);
        if (settings.optional(ConfigKeys.DB_URL).isEmpty()) {
            Path file = Path.of(settings.string(ConfigKeys.DATA)).toAbsolutePath().resolve("scalemanager.mv.db");
            if (!Files.isRegularFile(file)) {
                throw new StartupException("no database at " + file + ": name the data directory of a server "
                        + "with --data, or its database with --db-url");
            }
        }
        Database db;
        try {
            db = Database.open(dbSettings);
        } catch (RuntimeException e) {
            String hint = dbSettings.isH2() && String.valueOf(e.getMessage()).contains("already in use")
                    ? " (a server is using this H2 file: stop it, or ask it with POST /v1/rules/backtest)" : "";
            throw new StartupException(e.getMessage() + hint);
        }
        return new BacktestProcess(db, backtester(db, settings(settings)));
    }

    public Backtester backtester() {
        return backtester;
    }

    @Override
    public void close() {
        db.close();
    }
}
