package io.scalemanager.server.wiring;

import io.scalemanager.core.db.MariaDbServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The database goes away and comes back: the collector answers 503 in bounded time, then 202 without a restart. */
class DatabaseOutageTest {
    @TempDir
    Path dir;

    private static String state(String instance, long ts) {
        return "[{\"instance\":\"" + instance + "\",\"type\":\"cpu\",\"value\":1,\"timestamp\":" + ts + "}]";
    }

    @Test
    void collectorAnswers503WhileTheDatabaseIsDownAndRecoversByItself() throws Exception {
        try (MariaDbServer db = MariaDbServer.start()) {
            Map<String, String> env = Map.of("SCALEMANAGER_DB_URL", db.url("outage"), "SCALEMANAGER_DB_USER", "root",
                    "SCALEMANAGER_DB_TIMEOUT", "2s", "SCALEMANAGER_COLLECTOR_STORE_TIMEOUT", "3s");
            try (TestServer server = TestServer.start(dir, "rules: []\n", env)) {
                long now = System.currentTimeMillis() / 1000;
                assertThat(server.post("/v1/states", state("before", now)).statusCode()).isEqualTo(202);

                db.pause();
                long start = System.nanoTime();
                HttpResponse<String> during = server.post("/v1/states", state("during", now));
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(during.statusCode()).isEqualTo(503);
                assertThat(during.body()).startsWith("{\"error\":");
                assertThat(during.headers().firstValue("Retry-After")).isPresent();
                assertThat(tookMs).as("answered within the configured timeouts").isLessThan(15_000);
                assertThat(server.get("/ready").statusCode()).isEqualTo(503);

                db.resume();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                        server.post("/v1/states", state("after", now)).statusCode() == 202);
                assertThat(server.getJson("/v1/history?instance=before&type=cpu&from=0").path("samples").size())
                        .isEqualTo(1);
                assertThat(server.getJson("/v1/history?instance=after&type=cpu&from=0").path("samples").size())
                        .isEqualTo(1);
                assertThat(server.getJson("/v1/history?instance=during&type=cpu&from=0").path("samples").size())
                        .as("a 503 stored nothing").isZero();
                assertThat(server.get("/ready").statusCode()).isEqualTo(200);
            }
        }
    }
}
