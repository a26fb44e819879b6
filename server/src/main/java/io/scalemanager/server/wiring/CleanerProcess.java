package io.scalemanager.server.wiring;

import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.core.db.Database;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.HostPort;
import io.scalemanager.server.config.Settings;

import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code scalemanager cleaner}: the cleaner alone against the configured database, once (for cron) or on its
 * schedule. It needs only the database, and the instance API (manager.instance_api.url, default the all-in-one
 * at {@code listen}) to resolve stuck actions.
 */
public final class CleanerProcess implements AutoCloseable {
    private final Database db;
    private final Cleaner cleaner;

    private CleanerProcess(Database db, Cleaner cleaner) {
        this.db = db;
        this.cleaner = cleaner;
    }

    /** The {@code cleaner.*} keys. */
    public static CleanerSettings cleanerSettings(Settings settings) {
        return new CleanerSettings(
                positive(settings, ConfigKeys.CLEANER_INTERVAL),
                settings.duration(ConfigKeys.CLEANER_EVENT_RETENTION),
                settings.duration(ConfigKeys.CLEANER_ACTION_RETENTION),
                settings.integer(ConfigKeys.CLEANER_CHUNK_ROWS, 1, 1_000_000),
                settings.duration(ConfigKeys.CLEANER_PAUSE),
                settings.integer(ConfigKeys.CLEANER_PAUSE_PERCENT, 0, 10_000),
                settings.bool(ConfigKeys.CLEANER_DOWNSAMPLE),
                settings.duration(ConfigKeys.CLEANER_STUCK_AFTER));
    }

    /** Opens the database and prepares the cleaner; every setting is read before anything starts. */
    public static CleanerProcess open(Settings settings) {
        CleanerSettings cleanerSettings = cleanerSettings(settings);
        var dbSettings = ServerSettings.database(settings);
        HostPort listen = settings.hostPort(ConfigKeys.LISTEN);
        URI instanceApiUrl = settings.optional(ConfigKeys.MANAGER_INSTANCE_API)
                .map(u -> AllInOne.uri(ConfigKeys.MANAGER_INSTANCE_API, u))
                .orElseGet(() -> URI.create("http://" + (listen.host().contains(":") ? "[" + listen.host() + "]"
                        : listen.host()) + ":" + listen.port()));
        Optional<String> token = settings.optional(ConfigKeys.MANAGER_INSTANCE_API_TOKEN)
                .or(() -> settings.optional(ConfigKeys.API_TOKEN));
        Clock clock = Clock.systemUTC();
        Database db = Database.open(dbSettings);
        Cleaner cleaner = new Cleaner(db, cleanerSettings, clock, new ActionLog(db.dataSource(), clock),
                new AlertLog(db.dataSource(), clock), new InstanceApiClient(() -> instanceApiUrl, token,
                Duration.ofSeconds(10)), new ActionLocks(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        return new CleanerProcess(db, cleaner);
    }

    /** One run; with {@code dryRun} it prints what it would do and changes nothing. */
    public Cleaner.Report runOnce(boolean dryRun, PrintStream out) {
        Cleaner.Report report = cleaner.runOnce(dryRun, out);
        if (!dryRun) {
            out.printf("archived %d EventLog rows and %d finished actions; %d stuck actions checked%n",
                    report.eventRows(), report.actionRows(), report.stuck().size());
        }
        return report;
    }

    /** Runs on the schedule until closed, the first time now. */
    public CleanerProcess start() {
        cleaner.start(Duration.ZERO);
        return this;
    }

    private static Duration positive(Settings settings, io.scalemanager.server.config.ConfigKey key) {
        Duration d = settings.duration(key);
        if (d.isZero()) {
            throw new StartupException("config key '" + key.key() + "': must be longer than 0");
        }
        return d;
    }

    @Override
    public void close() {
        cleaner.close();
        db.close();
    }
}
