package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scalemanager.cleaner.Cleaner;
import io.scalemanager.cleaner.CleanerSettings;
import io.scalemanager.cleaner.DecidedEvents;
import io.scalemanager.cleaner.StuckActionCheck;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.tls.ServerTls;
import io.scalemanager.core.db.Database;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.command.StuckActions;
import io.scalemanager.queue.embedded.OffsetStore;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
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
                settings.duration(ConfigKeys.CLEANER_STUCK_AFTER),
                settings.bool(ConfigKeys.CLEANER_ARCHIVE),
                partitionSpan(settings),
                settings.integer(ConfigKeys.CLEANER_PARTITIONS_AHEAD, 1, 1000));
    }

    private static Duration partitionSpan(Settings settings) {
        Duration span = settings.duration(ConfigKeys.CLEANER_PARTITION_SPAN);
        if (span.toMillis() < 60_000 || span.toMillis() % 60_000 != 0) {
            throw new StartupException("config key '" + ConfigKeys.CLEANER_PARTITION_SPAN.key()
                    + "': must be a whole number of minutes, at least 1m; got " + span);
        }
        return span;
    }

    /** Opens the database and prepares the cleaner; every setting is read before anything starts. */
    public static CleanerProcess open(Settings settings) {
        CleanerSettings cleanerSettings = cleanerSettings(settings);
        var dbSettings = ServerSettings.database(settings);
        HostPort listen = settings.hostPort(ConfigKeys.LISTEN);
        Optional<URI> configured = settings.optional(ConfigKeys.MANAGER_INSTANCE_API)
                .map(u -> AllInOne.uri(ConfigKeys.MANAGER_INSTANCE_API, u));
        Optional<ServerTls> ownTls = ServerSettings.tls(settings);
        URI instanceApiUrl = configured.orElseGet(() -> URI.create(ownTls.map(t -> "https").orElse("http") + "://"
                + listen));
        // The local server's own certificate when the cleaner calls it on its listen address; else tls.ca.
        ClientTls instanceApiTls = configured.isPresent() ? ServerSettings.clientTls(settings)
                : ownTls.map(t -> ClientTls.pinnedTo(t.cert())).orElse(ClientTls.SYSTEM);
        Optional<String> token = settings.optional(ConfigKeys.MANAGER_INSTANCE_API_TOKEN)
                .or(() -> settings.optional(ConfigKeys.API_TOKEN));
        Clock clock = Clock.systemUTC();
        Database db = Database.open(dbSettings);
        MeterRegistry registry = new SimpleMeterRegistry();
        ActionLog actionLog = new ActionLog(db.dataSource(), clock);
        // This process evaluates no rules, so no lock cache: the managers re-read the locks it finishes.
        StuckActions stuck = new StuckActions(actionLog, ActionFinisher.withoutLockCache(actionLog,
                new AlertLog(db.dataSource(), clock), clock, registry),
                new InstanceApiClient(() -> instanceApiUrl, token, Duration.ofSeconds(10), instanceApiTls), clock,
                cleanerSettings.stuckAfter());
        Cleaner cleaner = new Cleaner(db, cleanerSettings, clock, stuckCheck(stuck),
                decidedEvents(db), registry);
        return new CleanerProcess(db, cleaner);
    }

    /** The manager's stuck actions, as the cleaner schedules them. */
    static StuckActionCheck stuckCheck(StuckActions stuck) {
        return (dryRun, out) -> stuck.resolve(dryRun, out).size();
    }

    /**
     * How far the manager has decided: the embedded queue's saved positions in the database. On Kafka that table
     * stays empty (the consumer group's offsets are in Kafka, which replays from its topic), so nothing holds
     * the cleaner back there.
     */
    static DecidedEvents decidedEvents(Database db) {
        OffsetStore positions = QueueWiring.embeddedPositions(db);
        return positions::lowest;
    }

    /** One run; with {@code dryRun} it prints what it would do and changes nothing. */
    public Cleaner.Report runOnce(boolean dryRun, PrintStream out) {
        Cleaner.Report report = cleaner.runOnce(dryRun, out);
        if (!dryRun) {
            out.printf("archived %s%d EventLog rows and %d finished actions; %d stuck actions checked%n",
                    report.eventRowsEstimated() ? "about " : "", report.eventRows(), report.actionRows(),
                    report.stuckActions());
        }
        return report;
    }

    /**
     * The one-time migration to the partitioned EventLog on MariaDB/MySQL ({@code scalemanager cleaner
     * --partition}); says what it did.
     */
    public void partition(PrintStream out) {
        cleaner.partition(out);
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
