package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.TestMariaDb;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** `scalemanager run` against a real MariaDB server instead of the embedded H2 file. */
class AllInOneOnMariaDbTest {
    private static final String RULES = TestRules.ramUp("5s", "10m");

    @TempDir
    Path dir;

    @Test
    void statesInRuleFiresInstanceResizedOnMariaDb() throws Exception {
        String url = TestMariaDb.url("allinone_" + Integer.toHexString(dir.toString().hashCode()));
        Map<String, String> env = Map.of("SCALEMANAGER_DB_URL", url, "SCALEMANAGER_DB_USER", "root");
        try (TestServer server = TestServer.start(dir, RULES, env)) {
            long t = System.currentTimeMillis() / 1000;
            server.report("web-1", "ram", t, 85, 86, 87, 88, 89, 90, 91);

            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/actions?instance=web-1&status=succeeded").path("actions").size() == 1);
            JsonNode action = server.getJson("/v1/actions?instance=web-1").path("actions").get(0);
            assertThat(action.path("from").asLong()).isEqualTo(4096);
            assertThat(action.path("to").asLong()).isEqualTo(5120);
            assertThat(server.getJson("/v1/instances/web-1").path("ram").asLong()).isEqualTo(5120);
            assertThat(server.getJson("/v1/history?instance=web-1&type=ram&from=0").path("samples").size())
                    .isEqualTo(7);
        }
    }
}
