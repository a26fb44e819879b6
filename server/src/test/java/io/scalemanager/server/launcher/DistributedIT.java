package io.scalemanager.server.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.TestMariaDb;
import io.scalemanager.core.json.Json;
import io.scalemanager.queue.kafka.InstancePartitioner;
import io.scalemanager.queue.kafka.KafkaBroker;
import io.scalemanager.server.launcher.DistributedDeployment.Role;
import io.scalemanager.server.launcher.SharedDatabase.ActionRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A distributed deployment from the files in deploy/config/ (two collectors, two managers, the instance API and
 * the cleaner, on one MariaDB and one Kafka broker), each a {@code bin/scalemanager} child process, survives
 * losing any one process: a manager or a collector killed with SIGKILL, the broker stopped for 20 s. The
 * scenarios share the processes and run in order; each uses instances of its own prefix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedIT {
    private static final String TOKEN = "distributed-it-token";
    private static final int PARTITIONS = 12; // deploy/config's queue.kafka.partitions
    /** One crossing of the probe gives one action; the long cooldown makes any second action a duplicate. */
    private static final String RULES = """
            rules:
              - name: probe-up
                when: probe > 50
                then: cpu +1
                cooldown: 1h
            limits:
              "*": {cpu: [1, 64], ram: [512, 65536], storage: [10, 4000]}
            """;
    // Generous: the machine is small and shared; on a quiet one each wait ends in seconds.
    private static final Duration DECISIONS_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    private KafkaBroker broker;
    private DistributedDeployment deployment;
    private SharedDatabase db;
    private TopicAudit topic;
    private CollectorClient client;
    private List<URI> collectors;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startDeployment() throws Exception {
        // Its own broker, not the JVM's shared one: the outage scenario stops it.
        broker = KafkaBroker.start(dir.resolve("kafka"));
        String dbUrl = TestMariaDb.url("distributed_it");
        String topicName = "distributed-it-events";
        String group = "distributed-it-managers";
        deployment = new DistributedDeployment(dir, dbUrl, broker, topicName, group, TOKEN);
        Files.writeString(deployment.rules(), RULES);
        db = new SharedDatabase(dbUrl);
        topic = new TopicAudit(broker.bootstrap(), topicName, group);
        client = new CollectorClient(TOKEN);
        collectors = List.of(deployment.uri(Role.COLLECTOR_1), deployment.uri(Role.COLLECTOR_2));
        deployment.start(Role.values());
        awaitManagersSharing(2);
    }

    @AfterAll
    void stopDeployment() {
        if (deployment != null) {
            deployment.close();
        }
        if (topic != null) {
            topic.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void statesThroughEitherCollectorLeadToOneCarriedOutActionPerCrossing() throws Exception {
        String prefix = "s1-vm-";
        assertThat(client.post(collectors.get(0), List.of(SentState.now(prefix + "0", "load", 1)), null))
                .as("a collector beyond loopback takes states only with the token").isEqualTo(401);
        List<String> instances = instances(prefix, 20, 1);
        for (int i = 0; i < instances.size(); i++) {
            String instance = instances.get(i);
            int status = client.post(collectors.get(i % 2), List.of(SentState.now(instance, "load", 1),
                    SentState.now(instance, "probe", 90)));
            assertThat(status).as("POST to collector %d", 1 + i % 2).isEqualTo(202);
        }

        List<ActionRow> actions = awaitSucceeded(prefix, instances.size());
        assertOneActionPerInstance(actions, instances);
        assertThat(actions).allSatisfy(a -> {
            assertThat(a.rule()).isEqualTo("probe-up");
            assertThat(a.operation()).as("the instance API's operation").isNotBlank();
            assertThat(a.toValue()).as("cpu after the resize").isEqualTo(3L);
        });
        for (Role manager : List.of(Role.MANAGER_1, Role.MANAGER_2)) {
            JsonNode listed = getJson(deployment.uri(manager), "/v1/actions?status=succeeded&limit=1000");
            Set<String> shown = new HashSet<>();
            listed.path("actions").forEach(a -> shown.add(a.path("instance").asText()));
            assertThat(shown).as("instances in %s's view of the shared ActionLog", manager.fileName)
                    .containsAll(instances);
        }
        Set<String> localUnion = new HashSet<>();
        for (Role manager : List.of(Role.MANAGER_1, Role.MANAGER_2)) {
            // Each manager knows the instances of its own partitions, and lists the whole fleet by asking the other.
            JsonNode fleet = getJson(deployment.uri(manager), "/v1/instances?limit=10000");
            assertThat(fleet.path("managers").asInt()).as("managers in %s's listing", manager.fileName).isEqualTo(2);
            assertThat(fleet.path("unanswered")).as("managers %s could not ask", manager.fileName).isEmpty();
            List<String> listed = new ArrayList<>();
            fleet.path("instances").forEach(i -> listed.add(i.path("instance").asText()));
            assertThat(listed).as("%s's fleet listing", manager.fileName)
                    .containsExactlyInAnyOrderElementsOf(instances).isSorted();
            // The dashboard's fleet page too: either manager shows every instance in full, the other's included.
            JsonNode page = getJson(deployment.uri(manager), "/v1/fleet?instances=" + prefix + "*&size=500");
            assertThat(page.path("total").asInt()).as("%s's fleet page", manager.fileName).isEqualTo(instances.size());
            assertThat(page.path("managers").asInt()).isEqualTo(2);
            List<String> paged = new ArrayList<>();
            page.path("instances").forEach(i -> {
                paged.add(i.path("instance").asText());
                assertThat(i.path("size").path("cpu").asInt()).as("cpu of %s on %s's fleet page",
                        i.path("instance").asText(), manager.fileName).isEqualTo(3);
            });
            assertThat(paged).containsExactlyInAnyOrderElementsOf(instances).isSorted();
            JsonNode local = getJson(deployment.uri(manager), "/v1/instances?scope=local&limit=10000");
            local.path("instances").forEach(i -> localUnion.add(i.path("instance").asText()));
        }
        assertThat(localUnion).containsExactlyInAnyOrderElementsOf(instances);
        // Why: asked at the manager that does not decide for an instance, it answers by asking the one that does.
        for (Role manager : List.of(Role.MANAGER_1, Role.MANAGER_2)) {
            Set<String> own = new HashSet<>();
            getJson(deployment.uri(manager), "/v1/instances?scope=local&limit=10000").path("instances")
                    .forEach(i -> own.add(i.path("instance").asText()));
            String foreign = instances.stream().filter(i -> !own.contains(i)).findFirst().orElseThrow();
            JsonNode why = getJson(deployment.uri(manager), "/v1/instances/" + foreign + "/why");
            assertThat(why.path("instance").asText()).as("%s asked why of %s", manager.fileName, foreign)
                    .isEqualTo(foreign);
            List<String> outcomes = new ArrayList<>();
            why.path("rules").forEach(r -> outcomes.add(r.path("rule").asText() + " " + r.path("outcome").asText()));
            assertThat(outcomes).as("%s asked why of %s", manager.fileName, foreign).contains("probe-up fired");
        }
        // Kafka's own client metrics, next to ScaleManager's, on every process that has a client.
        assertThat(getText(deployment.uri(Role.COLLECTOR_1), "/metrics")).contains("kafka_producer_record_send_total");
        assertThat(getText(deployment.uri(Role.MANAGER_1), "/metrics"))
                .contains("kafka_consumer_fetch_manager_records_consumed_total");
        JsonNode size = getJson(deployment.uri(Role.INSTANCE_API), "/v1/instances/" + instances.get(7));
        assertThat(size.path("cpu").asInt()).as("cpu the instance API reports").isEqualTo(3);

        String cleaner = deployment.runCleanerOnce();
        assertThat(cleaner).contains("archived 0 EventLog rows and 0 finished actions").doesNotContain("ERROR");
        assertThat(db.actions(prefix)).as("fresh actions stay in the ActionLog").hasSize(instances.size());
    }

    @Test
    @Order(2)
    void killingAManagerMovesItsPartitionsAndEveryCrossingStillGetsExactlyOneAction() throws Exception {
        String prefix = "s2-vm-";
        int fleet = 10_000;
        // Every 50th instance of the reporting fleet crosses the threshold once, the kill falls among them.
        List<String> crossing = instances(prefix, 200, fleet / 200);
        long takeOversBefore = count(deployment.logText(Role.MANAGER_2), "Took over partitions");
        Map<String, Integer> crossingStatus = new ConcurrentHashMap<>();
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService crossings = Executors.newSingleThreadScheduledExecutor();
        // About 2000 states/s: each of the 10,000 instances reports every 5 s.
        try (ReportLoad load = new ReportLoad(client, collectors, prefix, fleet, 250, 250)) {
            await().atMost(LOAD_TIMEOUT).until(() -> load.answered(collectors.get(1), 202, 0) >= 4);
            crossings.scheduleAtFixedRate(() -> {
                int i = sent.get();
                if (i < crossing.size()) {
                    String instance = crossing.get(i);
                    crossingStatus.put(instance, client.post(collectors.get(i % 2),
                            List.of(SentState.now(instance, "probe", 90))));
                    sent.incrementAndGet();
                }
            }, 0, 40, TimeUnit.MILLISECONDS);
            await().atMost(LOAD_TIMEOUT).until(() -> sent.get() >= 60);
            Map<String, Set<Integer>> before = topic.assignment();
            deployment.kill(Role.MANAGER_1);
            int sentBeforeKill = sent.get() + 1; // the crossing in flight may have gone before the kill
            await().atMost(LOAD_TIMEOUT).until(() -> sent.get() == crossing.size());
            crossings.shutdown();

            // Its partitions move once the broker misses its heartbeats (session timeout 6 s).
            Map<String, Set<Integer>> after = await("manager-2 to hold all partitions")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> topic.assignment(), a -> a.size() == 1
                            && a.values().iterator().next().size() == PARTITIONS);
            // The survivor keeps its member id; the partitions it did not hold before were manager-1's.
            String survivor = after.keySet().iterator().next();
            assertThat(before).as("members before the kill").hasSize(2).containsKey(survivor);
            Set<Integer> moved = new HashSet<>(after.get(survivor));
            moved.removeAll(before.get(survivor));
            InstancePartitioner partitioner = new InstancePartitioner(PARTITIONS);
            List<String> movedAfterKill = crossing.subList(sentBeforeKill, crossing.size()).stream()
                    .filter(instance -> moved.contains(partitioner.partitionOf(instance))).toList();
            assertThat(movedAfterKill).as("crossings sent after the kill to manager-1's partitions").isNotEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    count(deployment.logText(Role.MANAGER_2), "Took over partitions") > takeOversBefore);
            assertThat(crossingStatus).hasSize(crossing.size()).allSatisfy((instance, status) ->
                    assertThat(status).as("POST of %s's crossing", instance).isEqualTo(202));

            List<ActionRow> actions = awaitSucceeded(prefix, crossing.size());
            assertOneActionPerInstance(actions, crossing);
            System.out.printf("manager kill: %d of %d crossings sent before it; partitions %s moved; %d crossings "
                    + "sent after it to them%n", sentBeforeKill, crossing.size(), moved, movedAfterKill.size());
        } finally {
            crossings.shutdownNow();
        }
        // A late duplicate (a replayed event decided again) would show up here.
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10))
                .until(() -> db.actions(prefix).size() == crossing.size());

        deployment.start(Role.MANAGER_1);
        awaitManagersSharing(2);
    }

    @Test
    @Order(3)
    void killingACollectorLosesNoAcceptedStateAndEveryRecordIsHandled() throws Exception {
        String prefix = "s3-vm-";
        ReportLoad load = new ReportLoad(client, collectors, prefix, 10_000, 250, 250);
        try {
            await().atMost(LOAD_TIMEOUT).until(() -> load.answered(collectors.get(1), 202, 0) >= 10);
            deployment.kill(Role.COLLECTOR_2);
            long killed = System.nanoTime();
            await().atMost(LOAD_TIMEOUT).until(() -> load.answered(collectors.get(0), 202, killed) >= 10);
        } finally {
            load.close();
        }
        assertThat(load.answered(collectors.get(1), 202, 0)).isPositive();
        System.out.printf("collector kill: %d states answered 202%n", load.accepted().size());
        assertNothingAcceptedIsLost(prefix, load.accepted());
        awaitEveryRecordHandled();

        deployment.start(Role.COLLECTOR_2);
        assertThat(client.post(collectors.get(1), List.of(SentState.now(prefix + "0", "load", 0.5))))
                .as("the restarted collector takes states").isEqualTo(202);
    }

    @Test
    @Order(4)
    void aBrokerOutageAnswers503LosesNothingAndEverythingResumesWithoutRestarts() throws Exception {
        String prefix = "s4-vm-";
        ReportLoad load = new ReportLoad(client, collectors, prefix, 2_000, 100, 250);
        long stopped;
        long restarting;
        try {
            await().atMost(LOAD_TIMEOUT).until(() -> load.answered(collectors.get(0), 202, 0) >= 4
                    && load.answered(collectors.get(1), 202, 0) >= 4);
            broker.stop();
            stopped = System.nanoTime();
            await("both managers' /ready to say Kafka is unreachable").atMost(Duration.ofSeconds(20))
                    .until(() -> readyStatus(Role.MANAGER_1) == 503 && readyStatus(Role.MANAGER_2) == 503);
            // The outage lasts 20 s: a duration of the scenario, not a wait for something to happen.
            long rest = Math.max(0, stopped + Duration.ofSeconds(20).toNanos() - System.nanoTime());
            await("the rest of the broker outage").pollDelay(Duration.ofNanos(rest)).atMost(Duration.ofSeconds(30))
                    .until(() -> true);
            restarting = System.nanoTime();
            broker.restart();
            await("both collectors to answer 202 again").atMost(Duration.ofSeconds(120)).until(() ->
                    load.answered(collectors.get(0), 202, restarting) >= 3
                            && load.answered(collectors.get(1), 202, restarting) >= 3);
            await("both managers ready again").atMost(Duration.ofSeconds(60))
                    .until(() -> readyStatus(Role.MANAGER_1) == 200 && readyStatus(Role.MANAGER_2) == 200);
        } finally {
            load.close();
        }
        List<Integer> duringOutage = load.outcomes().stream()
                .filter(o -> o.sentNanos() > stopped && o.answeredNanos() < restarting)
                .map(ReportLoad.Outcome::status).toList();
        System.out.printf("broker outage: answers while down %s%n", duringOutage);
        assertThat(duringOutage).as("answers to requests sent and answered while the broker was down")
                .contains(503).doesNotContain(202);
        assertNothingAcceptedIsLost(prefix, load.accepted());
        awaitEveryRecordHandled();

        String instance = "s4-new-0";
        assertThat(client.post(collectors.get(1), List.of(SentState.now(instance, "probe", 95)))).isEqualTo(202);
        assertOneActionPerInstance(awaitSucceeded(instance, 1), List.of(instance));
        assertThat(deployment.isRunning(Role.MANAGER_1) && deployment.isRunning(Role.MANAGER_2)
                && deployment.isRunning(Role.COLLECTOR_1) && deployment.isRunning(Role.COLLECTOR_2))
                .as("no ScaleManager process was restarted or died").isTrue();
    }

    private void awaitManagersSharing(int members) {
        await("%d managers to share the %d partitions".formatted(members, PARTITIONS))
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> topic.assignment(), a -> a.size() == members
                        && a.values().stream().mapToInt(Set::size).sum() == PARTITIONS
                        && a.values().stream().noneMatch(Set::isEmpty));
    }

    private List<ActionRow> awaitSucceeded(String prefix, int expected) {
        return await("%d succeeded actions of %s*".formatted(expected, prefix)).atMost(DECISIONS_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> db.actions(prefix), rows -> rows.size() >= expected
                        && rows.stream().allMatch(r -> r.status().equals("succeeded")));
    }

    private static void assertOneActionPerInstance(List<ActionRow> actions, List<String> instances) {
        Map<String, Long> perInstance = actions.stream()
                .collect(Collectors.groupingBy(ActionRow::instance, Collectors.counting()));
        assertThat(perInstance.keySet()).as("instances with an action").containsExactlyInAnyOrderElementsOf(instances);
        assertThat(perInstance).as("actions per instance").allSatisfy((i, n) -> assertThat(n).isEqualTo(1));
    }

    /** Every state of a request answered 202 is in the EventLog and in the topic. */
    private void assertNothingAcceptedIsLost(String prefix, List<SentState> accepted) throws Exception {
        assertThat(accepted).as("states answered 202").isNotEmpty();
        Set<String> inHistory = db.eventKeys(prefix);
        assertThat(missing(accepted, inHistory)).as("accepted states missing from the EventLog").isEmpty();
        Set<String> inTopic = topic.eventKeys(prefix);
        assertThat(missing(accepted, inTopic)).as("accepted states missing from the Kafka topic").isEmpty();
    }

    /** The managers' group has committed every partition up to its end: each record was handled. */
    private void awaitEveryRecordHandled() {
        await("the managers to commit every partition to its end").atMost(DECISIONS_TIMEOUT)
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> topic.uncommitted(), behind -> behind.size() == PARTITIONS
                        && behind.values().stream().allMatch(n -> n == 0));
    }

    private static List<String> missing(Collection<SentState> states, Set<String> present) {
        return states.stream().map(SentState::key).filter(k -> !present.contains(k)).limit(20).toList();
    }

    private static List<String> instances(String prefix, int count, int stride) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i * stride).toList();
    }

    private static long count(String text, String phrase) {
        return Pattern.compile(Pattern.quote(phrase)).matcher(text).results().count();
    }

    private int readyStatus(Role role) throws Exception {
        return http.send(HttpRequest.newBuilder(deployment.uri(role).resolve("/ready")).timeout(Duration.ofSeconds(5))
                .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String getText(URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private JsonNode getJson(URI base, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }
}
