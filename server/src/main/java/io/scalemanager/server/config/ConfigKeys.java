package io.scalemanager.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every key the server understands. A key not listed here is an error at start-up. */
public final class ConfigKeys {
    public static final ConfigKey LISTEN = ConfigKey.of("listen", "127.0.0.1:8080", "HOST:PORT to serve HTTP on");
    public static final ConfigKey DATA = ConfigKey.of("data", "./data", "directory of the embedded database");
    public static final ConfigKey RULES = ConfigKey.of("rules", "config/rules.yaml", "the ruleset file");
    public static final ConfigKey DB_URL = ConfigKey.of("db.url", null, "JDBC URL; default an H2 file in the data directory");
    public static final ConfigKey DB_USER = ConfigKey.of("db.user", "", "database user");
    public static final ConfigKey DB_PASSWORD = ConfigKey.secret("db.password", "database password");
    public static final ConfigKey DB_POOL_SIZE = ConfigKey.of("db.pool_size", "10", "maximum database connections");
    public static final ConfigKey DB_TIMEOUT = ConfigKey.of("db.timeout", "5s", "wait for a connection before answering 503");
    public static final ConfigKey DB_QUERY_TIMEOUT = ConfigKey.of("db.query_timeout", "60s",
            "longest wait for one statement's answer (socket and query timeout of every connection)");
    public static final ConfigKey KAFKA_BOOTSTRAP = ConfigKey.of("queue.kafka.bootstrap", null,
            "Kafka bootstrap servers; default the embedded queue").withEnv("SCALEMANAGER_KAFKA_BOOTSTRAP");
    public static final ConfigKey KAFKA_TOPIC = ConfigKey.of("queue.kafka.topic", "scalemanager-events",
            "Kafka topic of the events");
    public static final ConfigKey KAFKA_PARTITIONS = ConfigKey.of("queue.kafka.partitions", "12",
            "partitions of the topic when ScaleManager creates it: the most managers that can share the work");
    public static final ConfigKey KAFKA_REPLICATION = ConfigKey.of("queue.kafka.replication_factor", "3",
            "replicas of the topic when ScaleManager creates it");
    public static final ConfigKey KAFKA_GROUP = ConfigKey.of("queue.kafka.group", "scalemanager-manager",
            "consumer group the managers share");
    public static final ConfigKey KAFKA_SEND_TIMEOUT = ConfigKey.of("queue.kafka.send_timeout", "5s",
            "wait for Kafka's acknowledgement before answering 503");
    public static final ConfigKey KAFKA_SESSION_TIMEOUT = ConfigKey.of("queue.kafka.session_timeout", "10s",
            "a manager silent this long loses its partitions to the others");
    public static final ConfigKey KAFKA_CLIENT_CONFIG = ConfigKey.of("queue.kafka.client_config", null,
            "Java properties file passed to the Kafka clients: security.protocol, ssl.*, sasl.*");
    public static final ConfigKey QUEUE_PARTITIONS = ConfigKey.of("queue.partitions", "4",
            "partitions of the embedded queue: threads evaluating rules");
    public static final ConfigKey QUEUE_CAPACITY = ConfigKey.of("queue.capacity", "200000",
            "events a partition of the embedded queue holds before ingestion waits");
    public static final ConfigKey API_TOKEN = ConfigKey.secret("api.token",
            "bearer token required on every request that changes something");
    public static final ConfigKey HTTP_MAX_HEADER_BYTES = ConfigKey.of("http.max_header_bytes", "8192",
            "largest request line and headers in bytes; larger ones are answered with 431");
    public static final ConfigKey HTTP_IDLE_TIMEOUT = ConfigKey.of("http.idle_timeout", "30s",
            "a connection that sends and reads nothing for this long is closed");
    public static final ConfigKey HTTP_MIN_REQUEST_RATE = ConfigKey.of("http.min_request_bytes_per_second", "1024",
            "a request body arriving slower than this, on average, fails with 408 (0: no minimum)");
    public static final ConfigKey TLS_CERT = ConfigKey.of("tls.cert", null,
            "PEM certificate chain (own certificate first): serve HTTPS instead of HTTP, with tls.key; a replaced "
                    + "file is served within 10 s");
    public static final ConfigKey TLS_KEY = ConfigKey.of("tls.key", null,
            "PEM private key of tls.cert (PKCS#8: BEGIN PRIVATE KEY)");
    public static final ConfigKey TLS_CLIENT_CA = ConfigKey.of("tls.client_ca", null,
            "PEM CA certificates: clients are asked for a certificate; an agent's (subject CN = its instance id) "
                    + "stands for an ingest token for that instance");
    public static final ConfigKey TLS_CA = ConfigKey.of("tls.ca", null,
            "PEM CA certificates trusted when calling https:// URLs of ScaleManager (instance API, other managers) "
                    + "instead of the JDK's, and besides the JDK's by chat webhooks and the http provider");
    public static final ConfigKey API_TOKENS = ConfigKey.of("api.tokens", null,
            "YAML file of scoped tokens (ingest, read, operate, admin), stored as SHA-256; reads need a token when set");
    public static final ConfigKey COLLECTOR_MAX_STATES = ConfigKey.of("collector.max_states", "10000",
            "states per request");
    public static final ConfigKey COLLECTOR_MAX_BODY = ConfigKey.of("collector.max_body_bytes", "8388608",
            "largest request body in bytes");
    public static final ConfigKey COLLECTOR_RATE = ConfigKey.of("collector.rate_per_instance", "1000",
            "states per second an instance may send, sustained");
    public static final ConfigKey COLLECTOR_BURST = ConfigKey.of("collector.burst_per_instance", "20000",
            "states an instance may send at once");
    public static final ConfigKey COLLECTOR_FUTURE = ConfigKey.of("collector.future_tolerance", "10m",
            "how far in the future a timestamp may lie");
    public static final ConfigKey COLLECTOR_STORE_TIMEOUT = ConfigKey.of("collector.store_timeout", "5s",
            "wait for storage before answering 503");
    public static final ConfigKey COLLECTOR_MAX_PENDING = ConfigKey.of("collector.max_pending_states", "200000",
            "states waiting for the EventLog writer; beyond it 503 with Retry-After");
    public static final ConfigKey COLLECTOR_MAX_INSTANCES = ConfigKey.of("collector.max_instances", "100000",
            "instances known at once; reports of a new one beyond it are answered 429 (and one alert raised)");
    public static final ConfigKey COLLECTOR_WRITER_ID = ConfigKey.of("collector.writer_id", "0",
            "this collector's number, 0-63, unique among the collectors writing to one database");
    public static final ConfigKey HISTORY_COMMIT_ROWS = ConfigKey.of("history.max_rows_per_commit", "1000",
            "states the EventLog writer gathers into one transaction (H2 is fastest at 500-1000; unset on MariaDB/MySQL: 5000)");
    public static final ConfigKey HISTORY_MAX_SAMPLES = ConfigKey.of("history.max_samples", "100000",
            "largest 'limit' of /v1/history, the samples one request reads; larger: 400 naming 'limit'");
    public static final ConfigKey HISTORY_MAX_QUERY_ROWS = ConfigKey.of("history.max_query_rows", "1000000",
            "most samples one /v1/history/query reads; a range holding more: 400 naming 'from'");
    public static final ConfigKey MANAGER_FORGET_AFTER = ConfigKey.of("manager.forget_after", "168h",
            "instances silent this long leave the windows, the fleet view and the collector's known instances");
    public static final ConfigKey MANAGER_VERIFY_TIMEOUT = ConfigKey.of("manager.verify_timeout", "5m",
            "how long an action waits for the instance to report its new size before it is unverified (an alert; "
                    + "the component stays locked until the size shows or the action is released)");
    public static final ConfigKey MANAGER_GUARD_WINDOW = ConfigKey.of("manager.guard_window", "24h",
            "how far back the shrink guard takes the p99 of an instance's usage from the history");
    public static final ConfigKey MANAGER_GUARD_MAX = ConfigKey.of("manager.guard_max", "85",
            "percent: a shrink whose projected p99 utilization at the new size is above this is not made "
                    + "(outcome guard; a rule may say guard: false)");
    public static final ConfigKey MANAGER_SIZE_CACHE_TTL = ConfigKey.of("manager.size_cache_ttl", "30s",
            "how long the fleet views show an instance's size before asking the instance API again (an action "
                    + "ending on the instance forgets it at once; 0: ask every time)");
    public static final ConfigKey MANAGER_INSTANCE_API = ConfigKey.of("manager.instance_api.url", null,
            "base URL of the instance API; default this process");
    public static final ConfigKey MANAGER_INSTANCE_API_TOKEN = ConfigKey.secret("manager.instance_api.token",
            "bearer token for the instance API; default api.token");
    public static final ConfigKey MANAGER_PEER_TOKEN = ConfigKey.secret("manager.peer_token",
            "bearer token sent to the other managers for fleet-wide reads (fleet listing, why, dashboard; Kafka only): "
                    + "a read token of api.tokens; default api.token");
    public static final ConfigKey MANAGER_ADVERTISE_URL = ConfigKey.of("manager.advertise_url", null,
            "where the other managers reach this one for a fleet listing (Kafka only); default http://LISTEN, "
                    + "with this host's name for a wildcard address");
    public static final ConfigKey MANAGER_POLL = ConfigKey.of("manager.poll_interval", "500ms",
            "how often a running operation is asked for its status");
    public static final ConfigKey MANAGER_ACTION_TIMEOUT = ConfigKey.of("manager.action_timeout", "15m",
            "an action without a result after this long has failed");
    public static final ConfigKey MANAGER_MAX_ATTEMPTS = ConfigKey.of("manager.max_attempts", "8",
            "sends of one command before it has failed");
    public static final ConfigKey MANAGER_MAX_EVENT_AGE = ConfigKey.of("manager.max_event_age", "10m",
            "older events fill the windows but decide nothing (buffered or replayed reports)");
    public static final ConfigKey MANAGER_MAX_GAP = ConfigKey.of("manager.max_gap", "2m",
            "a longer silence between two samples breaks a rule's run (rules may set their own max_gap)");
    public static final ConfigKey MANAGER_DRY_RUN = ConfigKey.of("manager.dry_run", "false",
            "true: every rule records what it would do (would_fire) and sends nothing");
    public static final ConfigKey CLEANER_ENABLED = ConfigKey.of("cleaner.enabled", "true",
            "the all-in-one runs the cleaner on its schedule (true or false)");
    public static final ConfigKey CLEANER_INTERVAL = ConfigKey.of("cleaner.interval", "10m",
            "time between two cleaner runs");
    public static final ConfigKey CLEANER_EVENT_RETENTION = ConfigKey.of("cleaner.event_retention", "168h",
            "EventLog rows that arrived longer ago move to the archive");
    public static final ConfigKey CLEANER_ACTION_RETENTION = ConfigKey.of("cleaner.action_retention", "2160h",
            "finished actions older than this move to the archive");
    public static final ConfigKey CLEANER_CHUNK_ROWS = ConfigKey.of("cleaner.chunk_rows", "5000",
            "rows the cleaner moves per transaction");
    public static final ConfigKey CLEANER_PAUSE = ConfigKey.of("cleaner.pause", "0ms",
            "the cleaner's fixed sleep between two chunks");
    public static final ConfigKey CLEANER_PAUSE_PERCENT = ConfigKey.of("cleaner.pause_percent", "150",
            "the cleaner's further sleep between two chunks, in percent of the time the last chunk took: "
                    + "it yields more when the database is busy");
    public static final ConfigKey CLEANER_DOWNSAMPLE = ConfigKey.of("cleaner.downsample", "false",
            "archive the EventLog as per-minute min/avg/max/count instead of raw rows (true or false)");
    public static final ConfigKey CLEANER_STUCK_AFTER = ConfigKey.of("cleaner.stuck_after", "30m",
            "an action pending or running longer is checked with the instance API and finished");
    public static final ConfigKey CLEANER_ARCHIVE = ConfigKey.of("cleaner.archive", "true",
            "keep archived EventLog rows raw in event_log_archive; false drops them (true or false)");
    public static final ConfigKey CLEANER_PARTITION_SPAN = ConfigKey.of("cleaner.partition_span", "1h",
            "MariaDB/MySQL: the arrival time each EventLog partition covers (whole minutes)");
    public static final ConfigKey CLEANER_PARTITIONS_AHEAD = ConfigKey.of("cleaner.partitions_ahead", "24",
            "MariaDB/MySQL: empty EventLog partitions kept ahead of now");
    public static final ConfigKey PROVIDERS = ConfigKey.of("providers", null,
            "YAML file routing instances to libvirt, http, exec or simulator providers; default all simulated");
    public static final ConfigKey ALERTS = ConfigKey.of("alerts", null,
            "the alerts file: channels and routes (config/alerts.example.yaml); "
                    + "default none: alerts are recorded and logged only");
    public static final ConfigKey SIM_CPU = ConfigKey.of("simulator.cpu", "2", "cores of a new simulated instance");
    public static final ConfigKey SIM_RAM = ConfigKey.of("simulator.ram", "4096", "MiB of a new simulated instance");
    public static final ConfigKey SIM_STORAGE = ConfigKey.of("simulator.storage", "50",
            "GiB of a new simulated instance");
    public static final ConfigKey SIM_DELAY = ConfigKey.of("simulator.resize_delay", "2s",
            "how long a simulated resize takes");
    public static final ConfigKey SIM_FAIL = ConfigKey.of("simulator.fail", null,
            "instance glob whose simulated resizes fail (for tests and drills)");
    public static final ConfigKey DEMO_INSTANCES = ConfigKey.of("demo.instances", "20", "simulated VMs of the demo");
    public static final ConfigKey DEMO_INTERVAL = ConfigKey.of("demo.interval", "2s", "how often demo VMs report");

    public static final List<ConfigKey> ALL = List.of(LISTEN, DATA, RULES, DB_URL, DB_USER, DB_PASSWORD, DB_POOL_SIZE,
            DB_TIMEOUT, DB_QUERY_TIMEOUT, KAFKA_BOOTSTRAP, KAFKA_TOPIC, KAFKA_PARTITIONS, KAFKA_REPLICATION, KAFKA_GROUP,
            KAFKA_SEND_TIMEOUT, KAFKA_SESSION_TIMEOUT, KAFKA_CLIENT_CONFIG, QUEUE_PARTITIONS, QUEUE_CAPACITY, API_TOKEN,
            API_TOKENS,
            HTTP_MAX_HEADER_BYTES, HTTP_IDLE_TIMEOUT, HTTP_MIN_REQUEST_RATE, TLS_CERT, TLS_KEY, TLS_CLIENT_CA, TLS_CA,
            COLLECTOR_MAX_STATES,
            COLLECTOR_MAX_BODY, COLLECTOR_RATE, COLLECTOR_BURST, COLLECTOR_FUTURE, COLLECTOR_STORE_TIMEOUT, COLLECTOR_MAX_PENDING,
            COLLECTOR_MAX_INSTANCES,
            COLLECTOR_WRITER_ID, HISTORY_COMMIT_ROWS, HISTORY_MAX_SAMPLES, HISTORY_MAX_QUERY_ROWS, MANAGER_INSTANCE_API,
            MANAGER_INSTANCE_API_TOKEN, MANAGER_PEER_TOKEN,
            MANAGER_ADVERTISE_URL, MANAGER_POLL,
            MANAGER_ACTION_TIMEOUT, MANAGER_MAX_ATTEMPTS, MANAGER_MAX_EVENT_AGE, MANAGER_FORGET_AFTER, MANAGER_VERIFY_TIMEOUT,
            MANAGER_GUARD_WINDOW, MANAGER_GUARD_MAX, MANAGER_MAX_GAP, MANAGER_SIZE_CACHE_TTL,
            MANAGER_DRY_RUN, PROVIDERS, ALERTS, CLEANER_ENABLED,
            CLEANER_INTERVAL, CLEANER_EVENT_RETENTION, CLEANER_ACTION_RETENTION, CLEANER_CHUNK_ROWS, CLEANER_PAUSE,
            CLEANER_PAUSE_PERCENT, CLEANER_DOWNSAMPLE, CLEANER_STUCK_AFTER, CLEANER_ARCHIVE,
            CLEANER_PARTITION_SPAN, CLEANER_PARTITIONS_AHEAD, SIM_CPU, SIM_RAM, SIM_STORAGE, SIM_DELAY,
            SIM_FAIL, DEMO_INSTANCES, DEMO_INTERVAL);

    private static final Map<String, ConfigKey> BY_KEY = new LinkedHashMap<>();

    static {
        for (ConfigKey k : ALL) {
            BY_KEY.put(k.key(), k);
        }
    }

    private ConfigKeys() {
    }

    static ConfigKey find(String key) {
        return BY_KEY.get(key);
    }
}
