package io.scalemanager.core.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.TokenFile;
import io.scalemanager.core.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/whoami} names the caller a request is let through as and the scopes in effect (admin implies
 * every one, operate implies read), so a page can offer only what the server would accept.
 */
class WhoAmITest {
    private final HttpClient client = HttpClient.newHttpClient();
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Optional<TokenFile> tokens) {
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1 << 16, Optional.empty()),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .access(new Credentials(Optional.of("the-admin-token"), "api.token", tokens), null)
                .start();
    }

    private HttpResponse<String> whoami(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/v1/whoami"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(String token) throws Exception {
        HttpResponse<String> r = whoami(token);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void eachTokenSeesItsNameItsScopesAndWhatTheyImply(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokens.yaml"), """
                tokens:
                  - {name: oncall, sha256: %s, scopes: [operate]}
                  - {name: wallboard, sha256: %s, scopes: [read]}
                  - {name: agents, sha256: %s, scopes: [ingest], instances: "web-*"}
                """.formatted(Credentials.sha256Hex("operate-token"), Credentials.sha256Hex("read-token"),
                Credentials.sha256Hex("ingest-token")));
        start(Optional.of(TokenFile.load(file)));

        JsonNode oncall = json("operate-token");
        assertThat(oncall.path("name").asText()).isEqualTo("oncall");
        assertThat(oncall.path("scopes").toString()).isEqualTo("[\"operate\"]");
        assertThat(oncall.path("may").toString()).isEqualTo("[\"read\",\"operate\"]");
        assertThat(oncall.path("instances").isNull()).isTrue();

        JsonNode wallboard = json("read-token");
        assertThat(wallboard.path("name").asText()).isEqualTo("wallboard");
        assertThat(wallboard.path("may").toString()).isEqualTo("[\"read\"]");

        JsonNode admin = json("the-admin-token");
        assertThat(admin.path("scopes").toString()).isEqualTo("[\"admin\"]");
        assertThat(admin.path("may").toString()).isEqualTo("[\"ingest\",\"read\",\"operate\",\"admin\"]");
        assertThat(admin.path("instances").asText()).isEqualTo("*");

        // An ingest token may not read, so it cannot ask either; nor can a request without a token here.
        assertThat(whoami("ingest-token").statusCode()).isEqualTo(403);
        assertThat(whoami(null).statusCode()).isEqualTo(401);
        assertThat(whoami("no-such-token").statusCode()).isEqualTo(401);
    }

    @Test
    void withoutATokensFileAReadWithoutATokenIsAnonymousAndMayOnlyRead() throws Exception {
        start(Optional.empty());

        JsonNode anonymous = json(null);
        assertThat(anonymous.path("name").asText()).isEqualTo("anonymous");
        assertThat(anonymous.path("scopes").size()).isZero();
        assertThat(anonymous.path("may").toString()).isEqualTo("[\"read\"]");
    }
}
