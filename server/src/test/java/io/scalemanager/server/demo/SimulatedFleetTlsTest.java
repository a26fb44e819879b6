package io.scalemanager.server.demo;

import io.scalemanager.core.json.Json;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code scalemanager demo} with tls.cert: the simulated fleet reports over https, trusting the certificate the
 * demo serves (a private CA's, made here), so its states arrive and its VMs are listed.
 */
class SimulatedFleetTlsTest {
    @TempDir
    Path dir;

    @Test
    void theDemoFleetReportsOverHttpsWhenTheDemoListensWithTls() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"), "demo");
        TestPki.Issued cert = pki.server("server");
        Map<String, String> env = Map.of(
                "SCALEMANAGER_LISTEN", "127.0.0.1:0",
                "SCALEMANAGER_CLEANER_ENABLED", "false",
                "SCALEMANAGER_TLS_CERT", cert.cert().toString(),
                "SCALEMANAGER_TLS_KEY", cert.key().toString());
        // The demo takes its data directory from the command line only (--data), as here.
        try (AllInOne demo = AllInOne.startDemo(new ConfigLoader(env).load(Optional.empty(),
                Map.of("data", dir.resolve("data").toString())));
             SimulatedFleet fleet = SimulatedFleet.reportingTo(demo, 5)) {
            assertThat(demo.scheme()).isEqualTo("https");
            fleet.start(Duration.ofMillis(500));
            HttpClient operator = HttpClient.newBuilder().sslContext(pki.clientContext()).build();
            URI base = URI.create("https://" + demo.address());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                HttpResponse<String> listing = operator.send(HttpRequest.newBuilder(base.resolve(
                        "/v1/instances?limit=100")).header("Authorization", "Bearer " + demo.adminToken()).GET()
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
                List<String> names = new ArrayList<>();
                Json.mapper().readTree(listing.body()).path("instances")
                        .forEach(n -> names.add(n.path("instance").asText()));
                assertThat(names).containsExactlyInAnyOrder("web-1", "web-2", "web-3", "db-4", "web-5");
            });
        }
    }
}
