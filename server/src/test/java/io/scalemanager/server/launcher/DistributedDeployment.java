package io.scalemanager.server.launcher;

import io.scalemanager.queue.kafka.KafkaBroker;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * The processes of a distributed deployment, each a {@code bin/scalemanager} child configured from its file in
 * deploy/config/, with only what differs on a test machine overridden: addresses and ports, the database, the
 * Kafka broker, topic and group, the replication factor, the token, the session timeout, and file paths that
 * exist only on a real host. Each process keeps its port, so a killed one comes back where the others expect it.
 */
final class DistributedDeployment implements AutoCloseable {
    /** A process of the deployment: its command, its file in deploy/config/, and whether it reads the ruleset. */
    enum Role {
        COLLECTOR_1("collector", "collector-1"), COLLECTOR_2("collector", "collector-2"),
        MANAGER_1("manager", "manager-1"), MANAGER_2("manager", "manager-2"),
        INSTANCE_API("instance-api", "instance-api");

        final String command;
        final String fileName;

        Role(String command, String fileName) {
            this.command = command;
            this.fileName = fileName;
        }

        Path config() {
            return Launcher.REPO.resolve("deploy/config/" + fileName + ".yaml");
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final String dbUrl;
    private final KafkaBroker broker;
    private final Map<String, String> env = new HashMap<>();
    private final Map<Role, Integer> ports = new LinkedHashMap<>();
    private final Map<Role, Process> processes = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

    DistributedDeployment(Path dir, String dbUrl, KafkaBroker broker, String topic, String group, String token)
            throws IOException {
        this.dir = dir;
        this.dbUrl = dbUrl;
        this.broker = broker;
        for (Role role : Role.values()) {
            ports.put(role, Launcher.freePort());
        }
        env.put("SCALEMANAGER_JAVA_OPTS", Launcher.SMALL_JVM);
        env.put("SCALEMANAGER_API_TOKEN", token);
        env.put("SCALEMANAGER_DB_USER", "root");
        env.put("SCALEMANAGER_QUEUE_KAFKA_TOPIC", topic);
        env.put("SCALEMANAGER_QUEUE_KAFKA_GROUP", group);
        env.put("SCALEMANAGER_QUEUE_KAFKA_REPLICATION_FACTOR", "1");
        // A killed manager's partitions move after this; the files' 10 s would only make the test slower.
        env.put("SCALEMANAGER_QUEUE_KAFKA_SESSION_TIMEOUT", "6s");
        env.put("SCALEMANAGER_MANAGER_INSTANCE_API_URL", uri(Role.INSTANCE_API).toString());
        // The files name /etc/scalemanager/{alerts,providers}.yaml; empty means none: alerts are only recorded,
        // and every instance is simulated.
        env.put("SCALEMANAGER_ALERTS", "");
        env.put("SCALEMANAGER_PROVIDERS", "");
    }

    Path rules() {
        return dir.resolve("rules.yaml");
    }

    URI uri(Role role) {
        return URI.create("http://127.0.0.1:" + ports.get(role));
    }

    Path log(Role role) {
        return dir.resolve(role.fileName + ".log");
    }

    String logText(Role role) throws IOException {
        return Files.exists(log(role)) ? Files.readString(log(role)) : "";
    }

    /** Starts the processes (all at once: their start-up overlaps) and returns when every one is ready. */
    void start(Role... roles) throws IOException {
        for (Role role : roles) {
            processes.put(role, Launcher.start(dir, log(role), env, arguments(role)));
        }
        for (Role role : roles) {
            awaitReady(role);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed, the group is not left. */
    void kill(Role role) throws InterruptedException {
        Process p = processes.remove(role);
        p.destroyForcibly();
        p.waitFor();
    }

    /** {@code bin/scalemanager cleaner --once} from deploy/config/cleaner.yaml against the same database. */
    String runCleanerOnce() throws Exception {
        List<String> args = List.of("cleaner", "--once", "--config",
                Launcher.REPO.resolve("deploy/config/cleaner.yaml").toString(), "--db-url", dbUrl);
        return Launcher.run(dir, env, args);
    }

    private List<String> arguments(Role role) {
        List<String> args = new ArrayList<>(List.of(role.command, "--config", role.config().toString(),
                "--listen", "127.0.0.1:" + ports.get(role), "--data", dir.resolve("data-" + role.fileName).toString(),
                "--db-url", dbUrl));
        if (role.command.equals("collector") || role.command.equals("manager")) {
            args.addAll(List.of("--kafka", broker.bootstrap()));
        }
        if (role.command.equals("manager") || role.command.equals("instance-api")) {
            args.addAll(List.of("--rules", rules().toString()));
        }
        return args;
    }

    private void awaitReady(Role role) {
        Process p = processes.get(role);
        HttpRequest ready = HttpRequest.newBuilder(uri(role).resolve("/ready")).timeout(Duration.ofSeconds(5)).build();
        await(role.fileName + " to be ready (log: " + log(role) + ")").atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException(role.fileName + " exited with " + p.exitValue() + ":\n"
                                + logText(role));
                    }
                    return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                });
    }

    boolean isRunning(Role role) {
        Process p = processes.get(role);
        return p != null && p.isAlive();
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroyForcibly);
        processes.clear();
    }
}
