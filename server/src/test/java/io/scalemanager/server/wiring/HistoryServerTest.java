package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.db.TestMariaDb;
import io.scalemanager.core.json.Json;
import io.scalemanager.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** `scalemanager history` answers from the EventLog the all-in-one writes, on one shared MariaDB. */
class HistoryServerTest {
    @TempDir
    Path dir;

    @Test
    void historyProcessSeesWhatTheCollectorStoredInTheSharedDatabase() throws Exception {
        String url = TestMariaDb.url("history_" + Integer.toHexString(dir.toString().hashCode()));
        Map<String, String> db = Map.of("SCALEMANAGER_DB_URL", url, "SCALEMANAGER_DB_USER", "root");
        try (TestServer collector = TestServer.start(dir, "rules: []\n", db);
             HistoryServer history = HistoryServer.start(new ConfigLoader(Map.of(
                     "SCALEMANAGER_LISTEN", "127.0.0.1:0", "SCALEMANAGER_DB_URL", url,
                     "SCALEMANAGER_DB_USER", "root")).load(Optional.empty(), Map.of()))) {
            long now = System.currentTimeMillis() / 1000;
            collector.report("web-1", "ram", now, 81, 82, 83);

            HttpResponse<String> samples = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + history.port() + "/v1/history/query?instance=web-1&type=ram&op=%3E&value=80"
                            + "&from=" + (now - 10) + "&to=" + now)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(samples.body());
            assertThat(samples.statusCode()).isEqualTo(200);
            assertThat(body.path("held").asBoolean()).isTrue();
            assertThat(body.path("count").asInt()).isEqualTo(3);
            assertThat(body.path("max").asDouble()).isEqualTo(83);
        }
    }
}
