package io.scalemanager.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The real all-in-one collector on a fixed loopback port, so it can be stopped and started again there. Its
 * states need a token (changes always do): {@link #TOKEN}, as its api.token, unless the test sets another.
 */
final class TestCollector implements AutoCloseable {
    /** The api.token every TestCollector takes, and {@link TestConfigs} agents send. */
    static final String TOKEN = "agent-test-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final int port;
    private final Map<String, String> extraEnv;
    private AllInOne app;

    TestCollector(Path dir, int port, Map<String, String> extraEnv) {
        this.dir = dir;
        this.port = port;
        this.extraEnv = extraEnv;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static TestCollector started(Path dir) throws Exception {
        return new TestCollector(dir, freePort(), Map.of()).start();
    }

    TestCollector start() throws Exception {
        Files.createDirectories(dir);
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "rules: []\n");
        Map<String, String> env = new HashMap<>();
        env.put("SCALEMANAGER_LISTEN", "127.0.0.1:" + port);
        env.put("SCALEMANAGER_DATA", dir.resolve("data").toString());
        env.put("SCALEMANAGER_RULES", rules.toString());
        env.put("SCALEMANAGER_API_TOKEN", TOKEN);
        env.putAll(extraEnv);
        app = AllInOne.start(new ConfigLoader(env).load(Optional.empty(), Map.of()));
        return this;
    }

    /** The collector goes down: the port refuses connections until start() again. */
    void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Samples of one (instance, type) through the History API, ordered by timestamp. */
    List<JsonNode> history(String instance, String type) throws IOException, InterruptedException {
        String q = "/v1/history?instance=" + URLEncoder.encode(instance, StandardCharsets.UTF_8) + "&type=" + type
                + "&from=0&limit=100000";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url().resolve(q)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("history answered " + r.statusCode() + ": " + r.body());
        }
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(r.body()).get("samples").forEach(out::add);
        return out;
    }

    /** Timestamps (ms) of one (instance, type) in the order the collector stored them; the collector must be stopped. */
    List<Long> storedOrder(String instance, String type) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data") + "/scalemanager";
        try (Connection c = DriverManager.getConnection(url, "", "");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT ts FROM event_log WHERE instance = ? AND type = ? ORDER BY seq")) {
            ps.setString(1, instance);
            ps.setString(2, type);
            List<Long> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
