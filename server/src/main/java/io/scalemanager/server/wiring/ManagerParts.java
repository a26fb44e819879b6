package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.state.Event;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.dashboard.chart.InstanceCharts;
import io.scalemanager.dashboard.fleet.FleetSummary;
import io.scalemanager.dashboard.http.DashboardApiRoutes;
import io.scalemanager.dashboard.http.DashboardRoutes;
import io.scalemanager.dashboard.rules.RuleActivity;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.manager.Manager;
import io.scalemanager.manager.actionlog.ActionLocks;
import io.scalemanager.manager.actionlog.ActionLog;
import io.scalemanager.manager.alert.AlertDispatcher;
import io.scalemanager.manager.alert.AlertLog;
import io.scalemanager.manager.alert.AlertOutbox;
import io.scalemanager.manager.alert.AlertWatch;
import io.scalemanager.manager.alert.Silences;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.manager.command.ActionFinisher;
import io.scalemanager.manager.command.CommandExecutor;
import io.scalemanager.manager.command.CommandSettings;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.decide.Outcome;
import io.scalemanager.manager.decision.DecisionLog;
import io.scalemanager.manager.decision.DecisionWriter;
import io.scalemanager.manager.decision.LatestOutcomes;
import io.scalemanager.manager.decision.OutcomeRecorder;
import io.scalemanager.manager.fleet.Fleet;
import io.scalemanager.manager.fleet.FleetListing;
import io.scalemanager.manager.fleet.FleetPeers;
import io.scalemanager.manager.fleet.FleetTimeouts;
import io.scalemanager.manager.fleet.InstanceSizes;
import io.scalemanager.manager.fleet.ManagerRoster;
import io.scalemanager.manager.guard.ShrinkGuard;
import io.scalemanager.manager.guard.UsageHistory;
import io.scalemanager.manager.http.DecisionRoutes;
import io.scalemanager.manager.http.ManagerRoutes;
import io.scalemanager.manager.http.PauseRoutes;
import io.scalemanager.manager.http.RulesRoutes;
import io.scalemanager.manager.http.SilenceRoutes;
import io.scalemanager.manager.partition.PartitionHandover;
import io.scalemanager.manager.http.BacktestRoutes;
import io.scalemanager.manager.backtest.BacktestSettings;
import io.scalemanager.manager.pause.Pauses;
import io.scalemanager.manager.reload.RulesReloader;
import io.scalemanager.manager.rollback.RollbackWatch;
import io.scalemanager.manager.rules.CurrentRuleset;
import io.scalemanager.manager.rules.Ruleset;
import io.scalemanager.manager.rules.Schedule;
import io.scalemanager.manager.schedule.DryRunOccurrences;
import io.scalemanager.manager.schedule.Scheduler;
import io.scalemanager.manager.verify.ResizeVerifier;
import io.scalemanager.queue.ReplaySource;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The manager and what it works with (ActionLog, locks, command executor, alerts, fleet view), built the same way
 * for {@code run} and for {@code manager}. Only the queue that feeds it differs between the two.
 */
final class ManagerParts {
    private static final Logger log = LoggerFactory.getLogger(ManagerParts.class);
    /** Windows are warmed with a little more than the longest `for`, plus the tolerated lateness of events. */
    private static final Duration WARM_MARGIN = Duration.ofMinutes(11);
    private static final Duration ALERT_FIRST_BACKOFF = Duration.ofSeconds(5);
    private static final Duration ALERT_MAX_BACKOFF = Duration.ofMinutes(10);
    private static final Duration INSTANCE_API_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration ROSTER_INTERVAL = Duration.ofSeconds(5);
    /** How often schedules are looked at: an occurrence runs within this of its moment. */
    static final Duration VERIFY_INTERVAL = Duration.ofSeconds(5);
    static final Duration SCHEDULE_TICK = Scheduler.TICK;
    /** Outcomes gather this long before they are written as one batch. */
    private static final Duration DECISION_BATCH_INTERVAL = Duration.ofMillis(250);
    private static final int DECISION_BACKLOG = 200_000;
    /** Most samples the shrink guard reads of one type: a day at one per second, with room. */
    private static final int GUARD_SAMPLE_LIMIT = 100_000;
    /** How soon a pause made through another manager holds here. */
    private static final Duration PAUSE_REFRESH = Duration.ofSeconds(2);

    /** The manager.* and alerts settings, read before anything starts so a bad value stops start-up. */
    record Options(CommandSettings commands, Duration maxEventAge, Duration maxGap, Optional<URI> instanceApiUrl,
                   Optional<String> instanceApiToken, Optional<URI> advertiseUrl, AlertsConfig alerts,
                   Duration forgetAfter, boolean dryRun, Duration verifyTimeout, Duration guardWindow,
                   int guardMaxPercent, BacktestSettings backtest,
                   Duration sizeCacheTtl, ClientTls clientTls, String scheme, Optional<String> peerToken,
                   boolean readsNeedAToken) {

        /** @param ownToken the admin token of the all-in-one, which its manager sends its own instance API */
        static Options read(Settings settings, Optional<String> ownToken) {
            return new Options(
                    new CommandSettings(settings.duration(ConfigKeys.MANAGER_POLL), Duration.ofSeconds(1),
                            settings.integer(ConfigKeys.MANAGER_MAX_ATTEMPTS, 1, 1000),
                            settings.duration(ConfigKeys.MANAGER_ACTION_TIMEOUT)),
                    settings.duration(ConfigKeys.MANAGER_MAX_EVENT_AGE),
                    settings.duration(ConfigKeys.MANAGER_MAX_GAP),
                    settings.optional(ConfigKeys.MANAGER_INSTANCE_API)
                            .map(u -> AllInOne.uri(ConfigKeys.MANAGER_INSTANCE_API, u)),
                    settings.optional(ConfigKeys.MANAGER_INSTANCE_API_TOKEN)
                            .or(() -> settings.optional(ConfigKeys.API_TOKEN)).or(() -> ownToken),
                    settings.optional(ConfigKeys.MANAGER_ADVERTISE_URL).filter(u -> !u.isBlank())
                            .map(u -> AllInOne.uri(ConfigKeys.MANAGER_ADVERTISE_URL, u)),
                    AllInOne.loadAlerts(settings),
                    settings.duration(ConfigKeys.MANAGER_FORGET_AFTER),
                    settings.bool(ConfigKeys.MANAGER_DRY_RUN),
                    settings.duration(ConfigKeys.MANAGER_VERIFY_TIMEOUT),
                    settings.duration(ConfigKeys.MANAGER_GUARD_WINDOW),
                    settings.integer(ConfigKeys.MANAGER_GUARD_MAX, 1, 100),
                    BacktestProcess.settings(settings),
                    settings.duration(ConfigKeys.MANAGER_SIZE_CACHE_TTL),
                    ServerSettings.clientTls(settings),
                    ServerSettings.tls(settings).isPresent() ? "https" : "http",
                    ServerSettings.peerToken(settings),
                    settings.optional(ConfigKeys.API_TOKENS).filter(p -> !p.isBlank()).isPresent());
        }
    }

    final CurrentRuleset rulesets;
    final RulesReloader reloader;
    final DecisionLog decisionLog;
    final DecisionWriter decisions;
    final LatestOutcomes latest = new LatestOutcomes();
    final Pauses pauses;
    final ActionLog actionLog;
    final AlertLog alertLog;
    final AlertDispatcher dispatcher;
    final ActionLocks locks = new ActionLocks();
    final Fleet fleet;
    final InstanceApiClient instanceApi;
    /** The instances' sizes the fleet views show, cached and fetched a few at a time. */
    final InstanceSizes sizes;
    /** How actions end, for the executor and for the cleaner's stuck actions of the all-in-one. */
    final ActionFinisher finisher;
    final CommandExecutor executor;
    /** Checks that resizes took effect; started with the manager ({@link #VERIFY_INTERVAL}). */
    final ResizeVerifier verifier;
    /** Rolls back resizes whose rule's rollback condition holds; started with the verifier, same interval. */
    final RollbackWatch rollbacks;
    final Manager manager;
    final ManagerRoster roster;
    /** Carries out the ruleset's schedules; started by the process once its windows are warm. */
    final Scheduler scheduler;
    private final Options options;
    /** The other managers, when several share the partitions; set with the routes. */
    private Optional<FleetPeers> peers = Optional.empty();
    private final Database db;
    private final Clock clock;

    /**
     * @param instanceApiFallback where the instance API is when manager.instance_api.url is not set
     * @param fallbackTls         what that one may present over https (the all-in-one: its own certificate)
     */
    ManagerParts(RulesSource rules, CurrentRuleset rulesets, Options options, Database db, EventLog history,
                 int partitions, Supplier<URI> instanceApiFallback, ClientTls fallbackTls, Clock clock,
                 MeterRegistry registry) {
        this.rulesets = rulesets;
        this.options = options;
        this.db = db;
        this.clock = clock;
        this.actionLog = new ActionLog(db.dataSource(), clock);
        // The dashboard's sparklines: the last hour of the types the rules watch.
        this.fleet = new Fleet(type -> rulesets.get().types().contains(type));
        // Without channels, alerts are recorded and logged only; with them, they also go through the outbox.
        AlertsConfig alerts = options.alerts();
        this.alertLog = new AlertLog(db.dataSource(), clock, alerts.channels().isEmpty() ? null
                : new AlertOutbox(db.dataSource(), clock, alerts));
        this.dispatcher = new AlertDispatcher(db.dataSource(), clock, alerts.channels(), ALERT_FIRST_BACKOFF,
                ALERT_MAX_BACKOFF, registry);
        Optional<URI> configured = options.instanceApiUrl();
        this.instanceApi = new InstanceApiClient(() -> configured.orElseGet(instanceApiFallback),
                options.instanceApiToken(), INSTANCE_API_TIMEOUT,
                configured.isPresent() ? options.clientTls() : fallbackTls);
        this.sizes = new InstanceSizes(instanceApi::sourcedSizeAsync, options.sizeCacheTtl(),
                InstanceSizes.DEFAULT_MAX_IN_FLIGHT, clock);
        this.finisher = ActionFinisher.withLockCache(actionLog, alertLog, locks, clock, registry);
        // An action that ended may have changed the size the fleet views show.
        finisher.onEnded(a -> sizes.forget(a.instance()));
        this.verifier = new ResizeVerifier(actionLog, finisher, alertLog,
                instance -> fleet.get(instance).map(Fleet.InstanceView::values), instanceApi::size,
                rule -> rulesets.get().rule(rule).map(r -> r.checks().verifyTimeoutOr(options.verifyTimeout()))
                        .orElse(options.verifyTimeout()), clock, registry);
        this.executor = new CommandExecutor(actionLog, finisher, instanceApi, () -> rulesets.get().limits(), clock,
                options.commands(), Optional.of(verifier),
                rule -> rulesets.get().rule(rule).map(r -> r.checks().restart()).orElse(RestartPolicy.ALLOWED),
                new ShrinkGuard(usage(history), options.guardWindow(), options.guardMaxPercent(),
                        rule -> rulesets.get().rule(rule).map(r -> r.checks().guard()).orElse(true), clock));
        this.rollbacks = new RollbackWatch(actionLog, rulesets, fleet::latestSince, executor::execute, alertLog, clock,
                registry);
        this.decisionLog = new DecisionLog(db.dataSource());
        this.decisions = new DecisionWriter(decisionLog, DECISION_BATCH_INTERVAL, DECISION_BACKLOG, registry).start();
        this.pauses = new Pauses(db.dataSource(), clock).start(PAUSE_REFRESH);
        OutcomeRecorder outcomes = new OutcomeRecorder(latest, decisions, registry);
        this.manager = new Manager(rulesets, partitions, actionLog, locks, executor, alertLog, fleet, clock,
                options.maxEventAge(), options.maxGap(), options.forgetAfter(), registry, outcomes, pauses,
                options.dryRun());
        this.reloader = new RulesReloader(rules.file(), rulesets, alertLog, clock, registry);
        this.roster = new ManagerRoster(db.dataSource(), clock, ROSTER_INTERVAL);
        this.scheduler = new Scheduler(() -> rulesets.get().schedules(),
                () -> fleet.all().stream().map(Fleet.InstanceView::instance).toList(), actionLog, executor::execute,
                clock, options.dryRun(), new Scheduler.DryRuns() {
                    @Override
                    public Outcome wouldStart(Schedule schedule, String instance, Component component, long size,
                                              long occurrenceMs) {
                        return manager.dryRunSchedule(schedule, instance, component, size, occurrenceMs);
                    }

                    @Override
                    public void recorded(Schedule schedule, String instance, Component component, long untilMs) {
                        manager.startScheduleShadowCooldown(schedule, instance, component, untilMs);
                    }
                }, outcomes, new DryRunOccurrences(db.dataSource()));
    }

    /** The history as the shrink guard reads it: every sample of the span, up to a day at one per second. */
    static UsageHistory usage(EventLog history) {
        return (instance, type, fromMs, toMs) -> {
            List<Sample> samples = history.samples(instance, type, fromMs, toMs, GUARD_SAMPLE_LIMIT);
            double[] values = new double[samples.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = samples.get(i).value();
            }
            return values;
        };
    }

    /** How far back the rule windows of a partition are rebuilt from the history. */
    Duration warmSpan() {
        Duration longest = Duration.ZERO;
        for (Duration d : rulesets.get().longestForByType().values()) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest.plus(WARM_MARGIN);
    }

    PartitionHandover handover(EventLog history, ToIntFunction<String> partitionOf) {
        return new PartitionHandover(manager, fleet, executor, alertLog, replaySource(history), partitionOf, warmSpan(),
                clock);
    }

    static ReplaySource replaySource(EventLog eventLog) {
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

    AlertWatch watch(LongSupplier lagMillis) {
        AlertsConfig alerts = options.alerts();
        return new AlertWatch(alertLog, fleet, lagMillis, clock, alerts.stoppedReportingAfter(), alerts.maxLag(),
                alerts.repeatInterval());
    }

    /**
     * The manager's HTTP API: actions, alerts, fleet, silences, and the alert channels' readiness.
     *
     * @param sharesPartitions whether other managers hold some of the partitions (Kafka), so that a fleet
     *                         listing must ask them too
     */
    void addRoutesTo(ApiServer server, boolean sharesPartitions) {
        // Peers are verified against tls.ca when they advertise https:// URLs, and are sent manager.peer_token.
        this.peers = sharesPartitions ? Optional.of(new FleetPeers(roster, FleetTimeouts.DEFAULTS,
                options.clientTls().httpClient(FleetTimeouts.DEFAULTS.peerRequest()).build(), options.peerToken()))
                : Optional.empty();
        if (sharesPartitions && options.readsNeedAToken() && options.peerToken().isEmpty()) {
            log.warn("Neither manager.peer_token nor api.token is set while api.tokens makes reads need a token: "
                    + "the other managers will refuse this one's fleet-wide reads (fleet listing, why), naming them "
                    + "as not answering. Set manager.peer_token to a read token of api.tokens");
        }
        // Before the instance API's routes in the all-in-one: /v1/instances/{id}/why before /v1/instances/<id>.
        server.add(new DecisionRoutes(latest, decisionLog, rulesets, fleet, peers, clock));
        server.add(new ManagerRoutes(actionLog, alertLog,
                        new FleetListing(fleet, sizes, latest, peers, FleetTimeouts.DEFAULTS), Optional.of(finisher)))
                .add(new SilenceRoutes(new Silences(db.dataSource(), clock), clock))
                .add(new PauseRoutes(pauses, clock))
                .add(new RulesRoutes(rulesets, reloader))
                .add(new BacktestRoutes(BacktestProcess.backtester(db, options.backtest())));
        server.addReadyDetail("ruleset", () -> rulesets.loaded().hash());
        dispatcher.readinessChecks().forEach(server::addReadinessCheck);
    }

    /**
     * The dashboard at {@code GET /} and the reads its pages are built from, on the same port and behind the same
     * tokens as the API.
     */
    void addDashboardTo(ApiServer server, EventLog eventLog) {
        Supplier<Ruleset> rules = rulesets;
        server.add(new DashboardRoutes(server.signInRequired(), server::signedIn))
                .add(new DashboardApiRoutes(
                        new FleetSummary(fleet, actionLog, latest, rules, sizes, peers, FleetTimeouts.DEFAULTS,
                                options.alerts().stoppedReportingAfter(), clock),
                        new InstanceCharts(eventLog, fleet, actionLog, alertLog, rules),
                        new RuleActivity(actionLog, decisionLog, rules, options.dryRun(), clock), clock));
    }

    /**
     * Reloads the rules file on SIGHUP, as {@code POST /v1/rules/reload} does, and records it in the audit trail
     * like the HTTP reload: who is the signal, from this host.
     */
    void reloadOnHangup() {
        AuditLog audit = new AuditLog(db.dataSource(), clock);
        RulesSignal.onHangup(() -> {
            RulesReloader.Result result = reloader.reload();
            audit.record("SIGHUP", "local", "SIGHUP rules reload", "rules",
                    result instanceof RulesReloader.Result.Refused refused ? "refused: " + refused.message() : "ok");
        });
    }

    /**
     * Joins the managers' roster once this process listens, under manager.advertise_url or, without it, the
     * address it listens on (this host's name when that is a wildcard).
     */
    ManagerRoster joinRoster(HostPort listen, int port) {
        return roster.join(options.advertiseUrl().orElseGet(() -> URI.create(options.scheme() + "://"
                + new HostPort(advertisedHost(listen), port))));
    }

    private static String advertisedHost(HostPort listen) {
        String host = listen.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getCanonicalHostName();
            } catch (UnknownHostException e) {
                throw new StartupException("config key 'manager.advertise_url': listening on " + listen.host()
                        + " and this host has no name to tell the other managers; set it");
            }
        }
        return host;
    }
}
