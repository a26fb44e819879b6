package io.scalemanager.server.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An all-in-one on a free loopback port with its data in a test directory, and an HTTP client for it that sends
 * the server's admin token with every change (its api.token, or the one it generated into DATA/admin.token).
 */
public final class TestServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final AllInOne app;
    final URI base;
    /** The token changes carry: the server's own admin token. */
    final String token;

    private TestServer(AllInOne app) {
        this.app = app;
        this.base = URI.create("http://" + app.address());
        this.token = app.adminToken();
    }

    static TestServer start(Path dir, String rules, Map<String, String> extraEnv) throws Exception {
        return new TestServer(startAllInOne(dir, rules, extraEnv));
    }

    /**
     * An all-in-one configured as {@code scalemanager run} is by its environment: on a free loopback port, its data
     * and rules.yaml (holding {@code rules}) in {@code dir}, a quick simulator and manager poll, then
     * {@code extraEnv} over that.
     */
    public static AllInOne startAllInOne(Path dir, String rules, Map<String, String> extraEnv) throws Exception {
        Path rulesFile = dir.resolve("rules.yaml");
        Files.writeString(rulesFile, rules);
        Map<String, String> env = new HashMap<>();
        env.put("SCALEMANAGER_LISTEN", "127.0.0.1:0");
        env.put("SCALEMANAGER_DATA", dir.resolve("data").toString());
        env.put("SCALEMANAGER_RULES", rulesFile.toString());
        env.put("SCALEMANAGER_SIMULATOR_RESIZE_DELAY", "100ms");
        env.put("SCALEMANAGER_MANAGER_POLL_INTERVAL", "50ms");
        env.putAll(extraEnv);
        Settings settings = new ConfigLoader(env).load(Optional.empty(), Map.of());
        return AllInOne.start(settings);
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A read with the server's admin token, so it works where reads need one (a tokens file) too. */
    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).header("Authorization", "Bearer " + token)
                        .DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a JSON body (or none), carrying {@code token} when not null. */
    static HttpResponse<String> send(URI uri, String method, String json, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(HttpResponse<String> response) throws IOException {
        return Json.mapper().readTree(response.body());
    }

    JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    /**
     * The line of one rule, or of one schedule by its name, in {@code GET /v1/instances/{instance}/why} (its outcome,
     * reason, until...); fails naming the rule and the instance when the answer has no line for it.
     */
    JsonNode whyOf(String instance, String rule) throws IOException, InterruptedException {
        for (JsonNode line : getJson("/v1/instances/" + instance + "/why").path("rules")) {
            if (line.path("rule").asText().equals(rule)) {
                return line;
            }
        }
        throw new AssertionError("no rule " + rule + " in why of " + instance);
    }

    /** The latest outcome of one rule (or schedule) in {@code why}: {@code fired}, {@code paused}, ... */
    String outcomeOf(String instance, String rule) throws IOException, InterruptedException {
        return whyOf(instance, rule).path("outcome").asText();
    }

    /** Posts one state per second of the given values, ending at endEpochSeconds; expects 202. */
    void report(String instance, String type, long endEpochSeconds, double... values) throws Exception {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            long ts = endEpochSeconds - (values.length - 1 - i);
            json.append(i == 0 ? "" : ",").append("{\"instance\":\"").append(instance).append("\",\"type\":\"")
                    .append(type).append("\",\"value\":").append(values[i]).append(",\"timestamp\":").append(ts)
                    .append('}');
        }
        HttpResponse<String> r = post("/v1/states", json.append(']').toString());
        if (r.statusCode() != 202) {
            throw new AssertionError("report answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** The number of events the manager has handled, from /metrics. */
    double handledEvents() throws Exception {
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith("scalemanager_manager_events_total")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Override
    public void close() {
        app.close();
    }
}
