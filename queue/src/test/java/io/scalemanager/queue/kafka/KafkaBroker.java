package io.scalemanager.queue.kafka;

import io.scalemanager.core.net.LoopbackPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Apache Kafka broker for tests: one KRaft node (broker and controller) in a child JVM on loopback
 * ports: a plaintext listener, a SASL/PLAIN one (user {@link #SASL_USER}) and the controller's. A child process
 * can be stopped, killed and started again on the same ports and log directory, as a real broker would be, and
 * keeps Kafka's threads out of the test JVM. Its output goes to {@code broker.log}.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    public static final String SASL_USER = "scalemanager";
    public static final String SASL_PASSWORD = "kafka-test-secret";

    private final Path dir;
    private final int port;
    private final int saslPort;
    private final int controllerPort;
    private Process process;

    private KafkaBroker(Path dir, int port, int saslPort, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.saslPort = saslPort;
        this.controllerPort = controllerPort;
    }

    /** Formats a new log directory under {@code dir} and starts a broker on it; returns once it answers. */
    public static KafkaBroker start(Path dir) throws IOException {
        Files.createDirectories(dir);
        KafkaBroker broker = new KafkaBroker(dir, LoopbackPorts.free(), LoopbackPorts.free(), LoopbackPorts.free());
        broker.writeConfig();
        broker.format();
        broker.launch();
        return broker;
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The listener that wants SASL/PLAIN over plaintext, as a client config file would name it. */
    public String saslBootstrap() {
        return "127.0.0.1:" + saslPort;
    }

    public Path logFile() {
        return dir.resolve("broker.log");
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Shuts the broker down as an operator would (SIGTERM) and waits until it is gone. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        awaitExit();
    }

    /** Ends the broker at once (SIGKILL), as a crash would. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        awaitExit();
    }

    /** Starts the broker again on the same ports and log directory; returns once it answers. */
    public synchronized void restart() throws IOException {
        if (running()) {
            throw new IllegalStateException("the broker is running; stop() or kill() it first");
        }
        launch();
    }

    @Override
    public synchronized void close() {
        stop();
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    private void writeConfig() throws IOException {
        String config = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
                        + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
                "sasl.enabled.mechanisms=PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config="
                        + "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";",
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                // One node: every internal topic with a single replica, and few partitions so they start fast.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // Lets tests use short session timeouts, so that a killed member's partitions move in seconds.
                "group.min.session.timeout.ms=1000",
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "");
        Files.writeString(dir.resolve("server.properties"), config, StandardCharsets.UTF_8);
        String logback = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} -- %msg%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        Files.writeString(dir.resolve("logback-broker.xml"), logback, StandardCharsets.UTF_8);
    }

    private void format() throws IOException {
        Process format = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", dir.resolve("server.properties").toString()).start();
        try {
            if (!format.waitFor(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka log directory failed; see " + logFile());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting the Kafka log directory", e);
        }
    }

    private void launch() throws IOException {
        process = java("kafka.Kafka", dir.resolve("server.properties").toString()).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(), "request.timeout.ms", 2000,
                "default.api.timeout.ms", 3000))) {
            await("Kafka broker at " + bootstrap() + " to answer (log: " + logFile() + ")")
                    .atMost(STARTUP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the Kafka broker exited with " + process.exitValue()
                                    + "; see " + logFile());
                        }
                        return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
                    });
        }
    }

    /** A JVM on the test's own classpath, which holds the broker (kafka_2.13 in test scope). */
    private ProcessBuilder java(String mainClass, String... args) {
        List<String> options = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
                "-Dlogback.configurationFile=" + dir.resolve("logback-broker.xml").toAbsolutePath());
        return ChildJvm.of(options, mainClass, args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    }
}
