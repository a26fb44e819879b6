package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.TestMariaDb;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pauses shared by two managers on one database; a reload while states pour in loses none of them. */
class PausesAndReloadTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RULES = TestRules.ramUp("3s", "10m");

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void twoManagersOnOneMariaDbHonourAPauseMadeAtEitherAndItsEnd() throws Exception {
        String url = TestMariaDb.url("pauses_" + Integer.toHexString(dir.toString().hashCode()));
        Map<String, String> env = Map.of("SCALEMANAGER_DB_URL", url, "SCALEMANAGER_DB_USER", "root");
        try (TestServer a = TestServer.start(Files.createDirectories(dir.resolve("a")), RULES, env);
             TestServer b = TestServer.start(Files.createDirectories(dir.resolve("b")), RULES, env)) {
            HttpResponse<String> created = a.post("/v1/pauses", "{\"instances\": \"web-*\", \"rule\": \"ram-up\", "
                    + "\"duration\": \"1h\", \"comment\": \"release 4.2\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            long pause = a.json(created).path("id").asLong();
            assertThat(b.getJson("/v1/pauses").path("pauses").size()).isEqualTo(1);
            // Each manager refreshes the shared pauses every 2 s: a probe's sample says when both know it.
            for (TestServer manager : List.of(a, b)) {
                await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                    manager.report("web-probe", "ram", now(), 50);
                    return manager.outcomeOf("web-probe", "ram-up").equals("paused");
                });
            }

            // Each manager decides for the states it is given: both find ram-up paused, neither acts.
            long t = now();
            b.report("web-1", "ram", t, 85, 86, 87, 88, 89);
            a.report("web-2", "ram", t, 85, 86, 87, 88, 89);
            await().atMost(WAIT).until(() -> b.outcomeOf("web-1", "ram-up").equals("paused")
                    && a.outcomeOf("web-2", "ram-up").equals("paused"));
            assertThat(a.getJson("/v1/actions").path("actions").size()).isZero();

            // Ended at the other manager: the first one acts at its next sample, its window kept all along.
            assertThat(b.delete("/v1/pauses/" + pause).statusCode()).isEqualTo(204);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
                a.report("web-2", "ram", now(), 90);
                return a.getJson("/v1/actions?instance=web-2").path("actions").size() == 1;
            });
            JsonNode action = b.getJson("/v1/actions?instance=web-2").path("actions").get(0);
            assertThat(action.path("rule").asText()).isEqualTo("ram-up");
            assertThat(b.outcomeOf("web-1", "ram-up")).isEqualTo("paused"); // no sample since: its outcome stands
        }
    }

    @Test
    void reloadsWhileStatesPourInLoseNoEvent() throws Exception {
        try (TestServer server = TestServer.start(dir, RULES, Map.of())) {
            Path rules = dir.resolve("rules.yaml");
            String other = RULES.replace("ram > 80", "ram > 70").replace("for: 3s", "for: 2m");
            AtomicLong accepted = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    long t = now();
                    for (int batch = 0; batch < 300; batch++) {
                        double[] values = new double[20];
                        java.util.Arrays.fill(values, 50 + batch % 40);
                        server.report("load-" + batch % 25, batch % 2 == 0 ? "ram" : "cpu", t - 300 + batch, values);
                        accepted.addAndGet(values.length);
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "load");
            load.start();
            List<String> hashes = new ArrayList<>();
            for (int reload = 0; reload < 20 && load.isAlive(); reload++) {
                Files.writeString(rules, reload % 2 == 0 ? other : RULES);
                HttpResponse<String> r = server.post("/v1/rules/reload", "");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                hashes.add(server.json(r).path("hash").asText());
            }
            load.join(WAIT.toMillis());
            assertThat(failure.get()).isNull();
            assertThat(hashes).as("reloads done while the load ran").hasSizeGreaterThanOrEqualTo(2);
            assertThat(java.util.Set.copyOf(hashes)).as("both rulesets were in use in turn").hasSize(2);

            assertThat(accepted.get()).isEqualTo(300 * 20);
            await().atMost(WAIT).until(() -> server.handledEvents() == accepted.get());
            assertThat(server.getJson("/v1/rules").path("hash").asText()).isEqualTo(hashes.get(hashes.size() - 1));
        }
    }
}
