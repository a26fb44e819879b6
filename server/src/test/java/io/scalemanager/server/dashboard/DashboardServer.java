package io.scalemanager.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.server.wiring.AllInOne;
import io.scalemanager.server.wiring.TestServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A real all-in-one on a free loopback port for the dashboard's tests, and an HTTP client for its API. */
final class DashboardServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final AllInOne app;
    final URI base;
    private final Optional<String> token;

    private DashboardServer(AllInOne app, Optional<String> token) {
        this.app = app;
        this.base = URI.create("http://" + app.address());
        this.token = token;
    }

    static DashboardServer start(Path dir, String rules, Map<String, String> extraEnv) throws Exception {
        AllInOne app = TestServer.startAllInOne(Files.createDirectories(dir), rules, extraEnv);
        // Changes always need a token: the server's own admin token (api.token or the generated one).
        return new DashboardServer(app, Optional.of(app.adminToken()));
    }

    String url(String path) {
        return base.resolve(path).toString();
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path, null);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    /** Whether this server has the endpoint at all (a 404 naming the route means it does not). */
    boolean serves(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = send("GET", path, null);
        return r.statusCode() != 404 && r.statusCode() != 405;
    }

    void postStates(String json) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/v1/states", json);
        if (r.statusCode() != 202) {
            throw new AssertionError("POST /v1/states answered " + r.statusCode() + ": " + r.body());
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
