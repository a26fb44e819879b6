package io.scalemanager.server.wiring;

import org.junit.jupiter.api.condition.EnabledIf;
import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.server.TestRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The all-in-one with a providers file: rules fire and libvirt's test driver domain {@code test} is resized. */
@EnabledIf(value = "io.scalemanager.core.process.Installed#virsh",
        disabledReason = "needs virsh: apt-get install libvirt-clients (.ci/run does)")
class ProvidersPipelineTest {
    private static final String RULES = TestRules.ramUp("3s", "10m") + """
              - name: cpu-down
                when: cpu < 10
                for: 3s
                then: cpu -1
                cooldown: 10m
            """;
    private static final String LIBVIRT_FOR_ALL = """
            providers:
              - name: test-driver
                instances: "*"
                type: libvirt
                uri: test:///default
                disk: vda
            """;

    @TempDir
    Path dir;

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    @Test
    void ruleThatFiresResizesTheLibvirtDomain() throws Exception {
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, LIBVIRT_FOR_ALL);
        try (TestServer server = TestServer.start(dir, RULES,
                Map.of("SCALEMANAGER_PROVIDERS", providers.toString()))) {
            JsonNode before = server.getJson("/v1/instances/test");
            assertThat(before.path("cpu").asLong()).isEqualTo(2);
            assertThat(before.path("ram").asLong()).isEqualTo(2048);
            assertThat(before.path("storage").asLong()).isEqualTo(1023);

            long t = now();
            server.report("test", "ram", t, 85, 86, 87, 88, 89, 90);
            server.report("test", "cpu", t, 3, 4, 3, 2, 3, 4);

            await().atMost(Duration.ofSeconds(30)).until(() ->
                    server.getJson("/v1/actions?instance=test&status=succeeded").path("actions").size() == 2);
            JsonNode after = server.getJson("/v1/instances/test");
            assertThat(after.path("ram").asLong()).isEqualTo(3072);
            assertThat(after.path("cpu").asLong()).isEqualTo(1);
            assertThat(server.get("/v1/instances/web-1").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void resizeOverTheDomainsMaximumFailsWithLibvirtsLimitInTheOperation() throws Exception {
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, LIBVIRT_FOR_ALL);
        try (TestServer server = TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_PROVIDERS", providers.toString()))) {
            var accepted = server.post("/v1/instances/test/resize", "{\"component\":\"cpu\",\"mode\":\"abs\",\"value\":4}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            String id = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(accepted.body())
                    .path("operation").asText();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/operations/" + id).path("status").asText().equals("failed"));
            assertThat(server.getJson("/v1/operations/" + id).path("error").asText())
                    .contains("above the maximum of domain 'test' (2 vcpus)");

            var ram = server.post("/v1/instances/test/resize", "{\"component\":\"ram\",\"mode\":\"abs\",\"value\":4096}");
            String ramId = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().readTree(ram.body())
                    .path("operation").asText();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    server.getJson("/v1/operations/" + ramId).path("status").asText().equals("succeeded"));
            assertThat(server.getJson("/v1/operations/" + ramId).path("note").asText()).isEqualTo("live");
            assertThat(server.getJson("/v1/instances/test").path("ram").asLong()).isEqualTo(4096);
        }
    }

    @Test
    void providerThatCannotBeAskedAnswers503WithItsReason() throws Exception {
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, "providers:\n  - type: libvirt\n    uri: test:///no/such/node.xml\n");
        try (TestServer server = TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_PROVIDERS", providers.toString()))) {
            var size = server.get("/v1/instances/test");
            assertThat(size.statusCode()).isEqualTo(503);
            assertThat(size.body()).contains("cannot read the size of 'test' now: virsh exited");
            var resize = server.post("/v1/instances/test/resize", "{\"component\":\"cpu\",\"mode\":\"abs\",\"value\":1}");
            assertThat(resize.statusCode()).isEqualTo(503);
        }
    }

    @Test
    void invalidProvidersFileStopsStartUpNamingFileLineAndKey() throws Exception {
        Path providers = dir.resolve("providers.yaml");
        Files.writeString(providers, "providers:\n  - instances: \"*\"\n    type: libvirt\n    uri: test:///default\n"
                + "    timeout: never\n");
        assertThatThrownBy(() -> TestServer.start(dir, "rules: []\n",
                Map.of("SCALEMANAGER_PROVIDERS", providers.toString())))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("config key 'providers'")
                .hasMessageContaining(providers + ":5: providers[1]: 'timeout' must be a duration above zero like "
                        + "500ms, 10s or 2m, got \"never\"");
    }
}
