package io.scalemanager.server.wiring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad reports are refused whole with a JSON error, leave nothing in the history, and the server stays up. */
class CollectorRejectsBadInputTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    // CHECKSTYLE.OFF: LineLength - one request body a line
    @ValueSource(strings = {
            "[{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":1},{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":\"NaN\",\"timestamp\":2}]",
            "[{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":1},{\"instance\":\"bad id\",\"type\":\"ram\",\"value\":1,\"timestamp\":2}]",
            "[{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":1},{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":99999999999}]",
            "[{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":1},{\"instance\":\"ok-1\",\"value\":1,\"timestamp\":1}]",
            "[{\"instance\":\"ok-1\",\"type\":\"ram\",\"value\":1,\"timestamp\":1}",
    })
    // CHECKSTYLE.ON: LineLength
    void aBatchWithAnyBadStateStoresNothing(String body) throws Exception {
        try (TestServer server = TestServer.start(dir, "rules: []\n", Map.of())) {
            HttpResponse<String> r = server.post("/v1/states", body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).startsWith("{\"error\":");
            assertThat(server.getJson("/v1/history?instance=ok-1&type=ram&from=0").path("samples").size()).isZero();
            assertThat(server.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tenThousandAndOneStatesAreRefusedNamingTheField() throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 10_001; i++) {
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"ok-2\",\"type\":\"ram\",\"value\":1,\"timestamp\":")
                    .append(1_700_000_000 + i).append('}');
        }
        try (TestServer server = TestServer.start(dir, "rules: []\n", Map.of())) {
            HttpResponse<String> r = server.post("/v1/states", json.append(']').toString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("\"field\":\"states\"");
            assertThat(server.getJson("/v1/history?instance=ok-2&type=ram&from=0").path("samples").size()).isZero();
        }
    }
}
