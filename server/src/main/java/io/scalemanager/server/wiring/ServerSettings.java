package io.scalemanager.server.wiring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.Scope;
import io.scalemanager.core.access.TokenFile;
import io.scalemanager.core.audit.AuditLog;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.tls.ServerTls;
import io.scalemanager.core.tls.TlsFileException;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.yaml.YamlFileException;
import io.scalemanager.core.db.DatabaseSettings;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.web.HttpLimits;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.ReadinessCheck;
import io.scalemanager.history.http.HistoryLimits;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;
import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.core.net.HostPort;
import io.scalemanager.server.config.Settings;

import java.util.Optional;
import java.time.Clock;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * What the server processes read and build the same way: where to listen, which database, the simulator,
 * readiness checks, the metrics registry.
 */
final class ServerSettings {
    private ServerSettings() {
    }

    /**
     * The listen address; refuses one beyond loopback unless api.token or api.tokens is set (a generated admin
     * token is not enough: nobody chose to expose it), or one it cannot bind.
     */
    static HostPort listen(Settings settings) {
        HostPort listen = settings.hostPort(ConfigKeys.LISTEN);
        if (!listen.isLoopback() && !tokensConfigured(settings)) {
            throw new StartupException("refusing to listen on " + listen + " without an API token: set api.token "
                    + "(SCALEMANAGER_API_TOKEN) or api.tokens, or listen on 127.0.0.1");
        }
        ListenCheck.ensureAvailable(listen);
        return listen;
    }

    /** Whether api.token or api.tokens is set. */
    static boolean tokensConfigured(Settings settings) {
        return apiToken(settings).isPresent() || settings.optional(ConfigKeys.API_TOKENS).filter(p -> !p.isBlank())
                .isPresent();
    }

    private static Optional<String> apiToken(Settings settings) {
        return settings.optional(ConfigKeys.API_TOKEN).filter(t -> !t.isBlank());
    }

    /**
     * A process of a distributed deployment that takes changes (collector, manager, instance API) starts only
     * with api.token or api.tokens: changes always need a token, and unlike run/demo it has no data directory of
     * its own to keep a generated one in that its peers and agents would know of.
     */
    static void requireTokens(Settings settings, String process) {
        if (!tokensConfigured(settings)) {
            throw new StartupException("refusing to start the " + process + " without a token: every change needs "
                    + "one. Set api.token (SCALEMANAGER_API_TOKEN) or api.tokens (scalemanager tokens create)");
        }
    }

    /**
     * The token this manager sends the other managers with its fleet-wide reads: manager.peer_token, else api.token
     * (which every manager of a deployment accepts as admin). With a tokens file, a manager.peer_token that file
     * does not give the read scope stops start-up: the other managers, reading the same file, would refuse it and
     * every fleet listing would name them as not answering.
     */
    static Optional<String> peerToken(Settings settings) {
        Optional<String> configured = settings.optional(ConfigKeys.MANAGER_PEER_TOKEN).filter(t -> !t.isBlank());
        Optional<String> tokensFile = settings.optional(ConfigKeys.API_TOKENS).filter(p -> !p.isBlank());
        if (configured.isPresent() && tokensFile.isPresent()
                && !credentials(settings).identify(configured.get()).map(c -> c.may(Scope.READ)).orElse(false)) {
            throw new StartupException("config key 'manager.peer_token' (from "
                    + settings.source(ConfigKeys.MANAGER_PEER_TOKEN) + "): the tokens file " + tokensFile.get()
                    + " gives this token no read scope, so the other managers would refuse this manager's fleet-wide "
                    + "reads. Make one (scalemanager tokens create --name managers --scopes read), add its line to "
                    + "the file of every manager and set its token here");
        }
        return configured.or(() -> apiToken(settings));
    }

    /** The all-in-one's own admin token: api.token, or one made for the process, or DATA/admin.token. */
    static AdminToken adminToken(Settings settings, String dataDir) {
        return AdminToken.forAllInOne(apiToken(settings), settings.optional(ConfigKeys.API_TOKENS)
                .filter(p -> !p.isBlank()).isPresent(), Path.of(dataDir));
    }

    /** How to serve HTTP on {@code listen}: the api.token and the http.* limits every server shares. */
    static HttpSettings http(Settings settings, HostPort listen, long maxRequestBytes) {
        HttpLimits limits = new HttpLimits(
                settings.integer(ConfigKeys.HTTP_MAX_HEADER_BYTES, 1024, 1 << 20),
                settings.duration(ConfigKeys.HTTP_IDLE_TIMEOUT),
                settings.longValue(ConfigKeys.HTTP_MIN_REQUEST_RATE, 0, Long.MAX_VALUE));
        return new HttpSettings(listen.host(), listen.port(), maxRequestBytes,
                settings.optional(ConfigKeys.API_TOKEN), limits, tls(settings));
    }

    /**
     * The listener's TLS files (tls.cert, tls.key, tls.client_ca), read and checked now so that a missing, unreadable
     * or mismatched file stops start-up naming its key; empty without tls.cert: plain HTTP.
     */
    static Optional<ServerTls> tls(Settings settings) {
        Optional<Path> cert = path(settings, ConfigKeys.TLS_CERT);
        Optional<Path> key = path(settings, ConfigKeys.TLS_KEY);
        Optional<Path> clientCa = path(settings, ConfigKeys.TLS_CLIENT_CA);
        if (cert.isEmpty() != key.isEmpty()) {
            throw new StartupException("config key '" + (cert.isEmpty() ? ConfigKeys.TLS_CERT : ConfigKeys.TLS_KEY).key()
                    + "': tls.cert and tls.key are set together (the certificate chain and its private key, PEM)");
        }
        if (cert.isEmpty()) {
            if (clientCa.isPresent()) {
                throw new StartupException("config key 'tls.client_ca': client certificates need TLS; set tls.cert "
                        + "and tls.key too");
            }
            return Optional.empty();
        }
        ServerTls tls = new ServerTls(cert.get(), key.get(), clientCa);
        try {
            tls.check();
        } catch (TlsFileException e) {
            ConfigKey named = e.file().equals(cert.get()) ? ConfigKeys.TLS_CERT
                    : e.file().equals(key.get()) ? ConfigKeys.TLS_KEY : ConfigKeys.TLS_CLIENT_CA;
            throw new StartupException("config key '" + named.key() + "': " + e.getMessage());
        }
        return Optional.of(tls);
    }

    /**
     * What this process's clients of services outside ScaleManager (chat webhooks, SMTP mail, the HTTP hoster
     * provider) trust over TLS: the JDK's CAs, and tls.ca's too when it is set (a chat or mail server or hoster
     * behind the operator's own CA).
     */
    static ClientTls outsideTls(Settings settings) {
        Optional<Path> ca = path(settings, ConfigKeys.TLS_CA);
        try {
            return ClientTls.publicAnd(ca);
        } catch (TlsFileException e) {
            throw new StartupException("config key 'tls.ca': " + e.getMessage());
        }
    }

    /** What this process's clients trust when they call https:// URLs of ScaleManager: tls.ca, or the JDK's CAs. */
    static ClientTls clientTls(Settings settings) {
        Optional<Path> ca = path(settings, ConfigKeys.TLS_CA);
        try {
            return ClientTls.of(ca);
        } catch (TlsFileException e) {
            throw new StartupException("config key 'tls.ca': " + e.getMessage());
        }
    }

    private static Optional<Path> path(Settings settings, ConfigKey key) {
        return settings.optional(key).filter(p -> !p.isBlank()).map(Path::of);
    }

    /** What one History API request may read: history.max_samples and history.max_query_rows. */
    static HistoryLimits historyLimits(Settings settings) {
        return new HistoryLimits(settings.integer(ConfigKeys.HISTORY_MAX_SAMPLES, 1, 10_000_000),
                settings.integer(ConfigKeys.HISTORY_MAX_QUERY_ROWS, 1, Integer.MAX_VALUE - 1));
    }

    /** The database: db.url, or the H2 file in the data directory. */
    static DatabaseSettings database(Settings settings) {
        return database(settings, settings.string(ConfigKeys.DATA));
    }

    static DatabaseSettings database(Settings settings, String dataDir) {
        DatabaseSettings db = new DatabaseSettings(
                settings.optional(ConfigKeys.DB_URL).orElseGet(() -> DatabaseSettings.embeddedUrl(absolute(dataDir))),
                settings.optional(ConfigKeys.DB_USER).orElse(""),
                settings.optional(ConfigKeys.DB_PASSWORD).orElse(""),
                settings.integer(ConfigKeys.DB_POOL_SIZE, 2, 500),
                settings.duration(ConfigKeys.DB_TIMEOUT),
                settings.duration(ConfigKeys.DB_QUERY_TIMEOUT));
        try {
            db.vendor();
        } catch (RuntimeException e) {
            throw new StartupException("config key 'db.url': " + e.getMessage());
        }
        return db;
    }

    static String absolute(String dir) {
        Path p = Path.of(dir).toAbsolutePath().normalize();
        try {
            Files.createDirectories(p);
            Files.delete(Files.createTempFile(p, ".write-check", ""));
        } catch (IOException e) {
            throw new StartupException("config key 'data': the data directory " + p + " cannot be created or "
                    + "written (" + reason(e) + "). Choose a directory the user running "
                    + "scalemanager may write: --data DIR");
        }
        return p.toString();
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "cannot create it there";
    }

    /** The simulator provider's settings: the size of new instances, how long a resize takes, what fails. */
    static SimulatorSettings simulator(Settings settings) {
        return new SimulatorSettings(
                new Size(settings.integer(ConfigKeys.SIM_CPU, 1, 4096), settings.integer(ConfigKeys.SIM_RAM, 1, 1 << 30),
                        settings.integer(ConfigKeys.SIM_STORAGE, 1, 1 << 30)),
                settings.duration(ConfigKeys.SIM_DELAY),
                settings.pattern(ConfigKeys.SIM_FAIL));
    }

    /** The Prometheus registry of a server process, with the JVM's own meters. */
    static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Names promtool accepts: Micrometer's CPU time is in nanoseconds (process_cpu_time_ns_total, an abbreviated
        // unit), so it gives way to Prometheus's usual process_cpu_seconds_total; a gauge may not end in _count.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.cores") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, b -> b.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time used by this process").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    static ReadinessCheck readiness(String name, BooleanSupplier check) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean ready() {
                return check.getAsBoolean();
            }
        };
    }

    /** The tokens this process accepts: api.token (one admin token) and the tokens file api.tokens. */
    static Credentials credentials(Settings settings) {
        return credentials(settings, apiToken(settings).map(t -> new AdminToken(t, "api.token")));
    }

    /** The tokens the all-in-one accepts: its admin token ({@link #adminToken}) and the tokens file. */
    static Credentials credentials(Settings settings, AdminToken admin) {
        return credentials(settings, Optional.of(admin));
    }

    private static Credentials credentials(Settings settings, Optional<AdminToken> admin) {
        Optional<TokenFile> file = Optional.empty();
        Optional<String> path = settings.optional(ConfigKeys.API_TOKENS).filter(p -> !p.isBlank());
        if (path.isPresent()) {
            try {
                file = Optional.of(TokenFile.load(Path.of(path.get())));
            } catch (YamlFileException e) {
                throw new StartupException("config key 'api.tokens': the tokens file has errors:\n"
                        + e.getMessage());
            } catch (java.io.IOException e) {
                throw new StartupException("config key 'api.tokens': cannot read " + path.get() + ": " + e);
            }
        }
        return new Credentials(admin.map(AdminToken::value), admin.map(AdminToken::name).orElse("api.token"), file);
    }

    /** Tokens, Origin and JSON checks, and the audit trail in the database, on a process's HTTP server. */
    static ApiServer guarded(ApiServer server, Settings settings, Database db) {
        return server.access(credentials(settings), new AuditLog(db.dataSource(), Clock.systemUTC()));
    }
}
