package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MariaDB frozen with SIGSTOP under load (connections open, nothing answers): every request is answered in
 * bounded time, 503 with Retry-After while it cannot be stored, and every state answered 202 is there after.
 */
class StalledDatabaseTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int CLIENTS = 4;
    private static final int STATES_PER_REQUEST = 50;

    @TempDir
    Path dir;

    /** One request's fate. */
    record Answer(int client, int first, int status, long millis, boolean retryAfter) {
    }

    @Test
    void requestsStayBoundedInTimeWhileTheDatabaseIsFrozenAndNothingAcceptedIsLost() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            Map<String, String> env = Map.of("SCALEMANAGER_DB_URL", db.url("stall"), "SCALEMANAGER_DB_USER", "root",
                    "SCALEMANAGER_DB_TIMEOUT", "2s", "SCALEMANAGER_DB_QUERY_TIMEOUT", "3s",
                    "SCALEMANAGER_COLLECTOR_STORE_TIMEOUT", "2s",
                    "SCALEMANAGER_COLLECTOR_MAX_PENDING_STATES", "1000");
            try (TestServer server = TestServer.start(dir, "rules: []\n", env)) {
                ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
                AtomicBoolean loading = new AtomicBoolean(true);
                List<Thread> clients = new ArrayList<>();
                long now = System.currentTimeMillis() / 1000;
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Thread t = new Thread(() -> load(server, client, now, loading, answers));
                    t.start();
                    clients.add(t);
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> answers.stream().filter(a -> a.status() == 202).count() >= 20);

                db.freeze();
                long frozenAt = System.nanoTime();
                long readyMillis;
                try {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> answers.stream().anyMatch(a -> a.status() == 503));
                    long start = System.nanoTime();
                    int ready = server.get("/ready").statusCode();
                    readyMillis = (System.nanoTime() - start) / 1_000_000;
                    assertThat(ready).isEqualTo(503);
                    // Hold the freeze well past every timeout, so a request that hung would show it.
                    long left = Duration.ofSeconds(12).toNanos() - (System.nanoTime() - frozenAt);
                    if (left > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(left); // the stall itself, not sync
                    }
                } finally {
                    db.thaw();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> server.get("/ready").statusCode() == 200);
                int answeredBefore = answers.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> answers.stream().skip(answeredBefore)
                        .filter(a -> a.status() == 202).count() >= 20);
                loading.set(false);
                for (Thread t : clients) {
                    t.join(60_000);
                }

                List<Answer> all = new ArrayList<>(answers);
                assertThat(all).extracting(Answer::status).containsOnly(202, 503);
                assertThat(all).filteredOn(a -> a.status() == 503).allMatch(Answer::retryAfter);
                long slowest = all.stream().mapToLong(Answer::millis).max().orElseThrow();
                System.out.printf("stalled database: %d answers, %d x 503, slowest %d ms, /ready %d ms%n", all.size(),
                        all.stream().filter(a -> a.status() == 503).count(), slowest, readyMillis);
                assertThat(slowest).as("the slowest answer, with the database frozen 12 s").isLessThan(9_000);
                assertThat(readyMillis).isLessThan(9_000);

                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    Set<Integer> stored = storedValues(server, "stall-" + c);
                    for (Answer a : all) {
                        if (a.client() == client && a.status() == 202) {
                            for (int v = a.first(); v < a.first() + STATES_PER_REQUEST; v++) {
                                assertThat(stored).as("state %d of client %d, answered 202", v, client).contains(v);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void load(TestServer server, int client, long now, AtomicBoolean loading,
                             ConcurrentLinkedQueue<Answer> answers) {
        int next = 0;
        while (loading.get()) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < STATES_PER_REQUEST; i++) {
                body.append(i == 0 ? "" : ",").append("{\"instance\":\"stall-").append(client)
                        .append("\",\"type\":\"cpu\",\"value\":").append(next + i).append(",\"timestamp\":")
                        .append(now).append('}');
            }
            long start = System.nanoTime();
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.base.resolve("/v1/states"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + server.token)
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
                answers.add(new Answer(client, next, r.statusCode(), (System.nanoTime() - start) / 1_000_000,
                        r.headers().firstValue("Retry-After").isPresent()));
            } catch (Exception e) {
                answers.add(new Answer(client, next, -1, (System.nanoTime() - start) / 1_000_000, false));
            }
            next += STATES_PER_REQUEST;
        }
    }

    private static Set<Integer> storedValues(TestServer server, String instance) throws Exception {
        JsonNode samples = server.getJson("/v1/history?instance=" + instance + "&type=cpu&from=0&limit=100000")
                .path("samples");
        assertThat(samples.size()).as("all of them fit in one page").isLessThan(100_000);
        Set<Integer> values = new HashSet<>();
        samples.forEach(s -> values.add(s.get("value").asInt()));
        return values;
    }
}
