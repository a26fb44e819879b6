package io.scalemanager.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalemanager.agent.config.AgentConfig;
import io.scalemanager.agent.config.ConfigException;
import io.scalemanager.agent.config.ConfigLoader;
import io.scalemanager.agent.sample.Sampler;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.server.wiring.AllInOne;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The agent shipping to the real all-in-one collector over HTTPS with a private CA made in the test: it verifies
 * the collector with its ca_file and authenticates with its client certificate (CN = its instance id), no token.
 */
class AgentTlsTest {
    private static final String ADMIN = "agent-tls-admin";

    @TempDir
    Path dir;

    @Test
    void agentShipsOverTlsWithItsClientCertificate() throws Exception {
        TestPki ops = TestPki.create(dir.resolve("pki"), "ops");
        TestPki.Issued server = ops.server("collector");
        TestPki.Issued agentCert = ops.client("vm-tls", "vm-tls");
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
        AllInOne app = AllInOne.start(new io.scalemanager.server.config.ConfigLoader(Map.of(
                "SCALEMANAGER_LISTEN", "127.0.0.1:0",
                "SCALEMANAGER_DATA", dir.resolve("data").toString(),
                "SCALEMANAGER_RULES", rules.toString(),
                "SCALEMANAGER_API_TOKEN", ADMIN,
                "SCALEMANAGER_TLS_CERT", server.cert().toString(),
                "SCALEMANAGER_TLS_KEY", server.key().toString(),
                "SCALEMANAGER_TLS_CLIENT_CA", ops.caFile().toString())).load(Optional.empty(), Map.of()));
        URI collector = URI.create("https://" + app.address());
        AgentConfig config = new ConfigLoader(Map.of(), () -> "unused").load(Optional.empty(), Map.of(
                "instance", "vm-tls",
                "collectors", collector.toString(),
                "ca_file", ops.caFile().toString(),
                "tls_cert", agentCert.cert().toString(),
                "tls_key", agentCert.key().toString(),
                "interval", "200ms",
                "state_dir", dir.resolve("state").toString()));
        assertThat(config.token()).isEmpty();
        HttpClient reader = HttpClient.newBuilder().sslContext(ops.clientContext()).build();
        try (app; Agent agent = new Agent(config, Sampler.linux(config), Clock.systemUTC()).start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> samples(reader, collector, "vm-tls", "ram") >= 2);
        }
    }

    @Test
    void aClientCertificateWithoutItsKeyIsAConfigErrorNamingTheKey() {
        TestPki ops = TestPki.create(dir.resolve("pki"), "ops");
        TestPki.Issued agentCert = ops.client("vm-tls", "vm-tls");
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), () -> "vm").load(Optional.empty(),
                Map.of("tls_cert", agentCert.cert().toString(), "state_dir", dir.toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'tls_key'");
    }

    private static int samples(HttpClient client, URI base, String instance, String type) throws Exception {
        long from = System.currentTimeMillis() / 1000 - 3600;
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(base.resolve("/v1/history?instance=" + instance
                        + "&type=" + type + "&from=" + from)).header("Authorization", "Bearer " + ADMIN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode samples = new ObjectMapper().readTree(r.body()).path("samples");
        return samples.size();
    }
}
