package io.scalemanager.server.wiring;

import io.scalemanager.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Changes need a token also on loopback (CONTRACT.md, "Access"): {@code run} without api.token or api.tokens
 * writes an admin token to DATA/admin.token (0600) on its first start and reuses it later; a change without it is
 * refused with 401 and changes nothing. The processes of a distributed deployment do not start without a token.
 */
class AdminTokenTest {
    private static final String PAUSE = "{\"instances\": \"web-*\", \"rule\": \"*\", \"duration\": \"1h\"}";

    @TempDir
    Path dir;

    @Test
    void theFirstStartWritesAnOwnerOnlyAdminTokenThatChangesNeedAndLaterStartsReuse() throws Exception {
        Path file = dir.resolve("data/admin.token");
        String first;
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of())) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            first = Files.readString(file).strip();
            assertThat(first).hasSize(43).isEqualTo(s.token);

            HttpResponse<String> anonymous = TestServer.send(s.base.resolve("/v1/pauses"), "POST", PAUSE, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("missing bearer token");
            assertThat(s.getJson("/v1/pauses").path("pauses").size()).as("nothing changed").isZero();
            assertThat(TestServer.send(s.base.resolve("/v1/pauses"), "GET", null, null).statusCode())
                    .as("reads stay open on loopback").isEqualTo(200);

            assertThat(s.post("/v1/pauses", PAUSE).statusCode()).isEqualTo(201);
            HttpResponse<String> audit = TestServer.send(s.base.resolve("/v1/audit?since=0"), "GET", null, s.token);
            assertThat(s.json(audit).path("entries").findValuesAsText("who")).contains("admin", "anonymous");
        }
        try (TestServer again = TestServer.start(dir, "rules: []\n", Map.of())) {
            assertThat(again.token).as("the second start reuses the token").isEqualTo(first);
            assertThat(Files.readString(file).strip()).isEqualTo(first);
        }
    }

    @Test
    void aTokenFileOthersCouldReadIsNarrowedToItsOwner() throws Exception {
        Path file = Files.createDirectories(dir.resolve("data")).resolve("admin.token");
        Files.writeString(file, "a-token-someone-wrote-by-hand\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of())) {
            assertThat(s.token).isEqualTo("a-token-someone-wrote-by-hand");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
    }

    @Test
    void withApiTokenSetNoTokenIsGenerated() throws Exception {
        try (TestServer s = TestServer.start(dir, "rules: []\n", Map.of("SCALEMANAGER_API_TOKEN", "t0k-set"))) {
            assertThat(s.token).isEqualTo("t0k-set");
            assertThat(dir.resolve("data/admin.token")).doesNotExist();
            assertThat(s.post("/v1/pauses", PAUSE).statusCode()).isEqualTo(201);
        }
    }

    @Test
    void aDistributedProcessThatTakesChangesDoesNotStartWithoutAToken() {
        Map<String, String> env = Map.of("SCALEMANAGER_LISTEN", "127.0.0.1:0",
                "SCALEMANAGER_DATA", dir.resolve("data").toString());
        assertThatThrownBy(() -> InstanceApiServer.start(new ConfigLoader(env).load(Optional.empty(), Map.of())))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("refusing to start the instance API without a token")
                .hasMessageContaining("api.token").hasMessageContaining("api.tokens");
        assertThat(dir.resolve("data/admin.token")).doesNotExist();
    }
}
