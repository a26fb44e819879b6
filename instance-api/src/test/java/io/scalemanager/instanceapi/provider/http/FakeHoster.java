package io.scalemanager.instanceapi.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.scalemanager.core.json.Json;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A hoster's API as the original connector knew it, on loopback:
 * <ul>
 *   <li>{@code POST /oauth/token} (form: grant_type=client_credentials, client_id, client_secret) →
 *       {@code {"access_token", "token_type": "Bearer", "expires_in"}}; tokens expire by the given clock;</li>
 *   <li>{@code GET /v1/servers} → {@code {"servers": [{"id", "ip", "cpu", "ram_mb", "disk_gb"}]}};</li>
 *   <li>{@code GET /v1/servers/{id}} → one server, 404 when unknown;</li>
 *   <li>{@code PUT /v1/servers/{id}} with {@code {"cpu", "ram_mb", "disk_gb"}} → 200 {@code {"status": "done"}},
 *       422 when a field is missing; more than 8 cpus are kept for the next reboot: 200
 *       {@code {"status": "done", "pending_reboot": true}}, the server unchanged until then.</li>
 * </ul>
 * Every API request needs a valid bearer token (401 otherwise). Answers can be injected per "METHOD path", and
 * every request is recorded as "METHOD path [Authorization] body".
 */
final class FakeHoster implements AutoCloseable {
    static final String CLIENT_ID = "scalemanager";
    static final String CLIENT_SECRET = "s3cret&=";

    private final HttpServer server;
    private final Clock clock;
    private final long tokenLifetimeSeconds;
    final Map<String, ObjectNode> servers = new LinkedHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    private final Map<String, Deque<Injected>> injected = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final CountDownLatch releaseHangs = new CountDownLatch(1);
    private int tokenCount;

    /** An answer to give instead of the real one; status 0 means "never answer" (until close). */
    record Injected(int status, String retryAfter, String body) {
    }

    FakeHoster(Clock clock, long tokenLifetimeSeconds) throws IOException {
        this.clock = clock;
        this.tokenLifetimeSeconds = tokenLifetimeSeconds;
        addServer("srv-1", "10.0.0.5", 2, 4096, 50);
        addServer("srv-2", "10.0.0.6", 4, 8192, 100);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void addServer(String id, String ip, long cpu, long ram, long disk) {
        ObjectNode s = Json.mapper().createObjectNode().put("id", id).put("ip", ip).put("cpu", cpu)
                .put("ram_mb", ram).put("disk_gb", disk);
        servers.put(id, s);
    }

    void inject(String methodAndPath, Injected answer) {
        injected.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(answer);
    }

    void allowToken(String token) {
        tokens.put(token, Instant.MAX);
    }

    void revokeTokens() {
        tokens.clear();
    }

    synchronized List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        synchronized (this) {
            requests.add(method + " " + path + (auth == null ? "" : " [" + auth + "]")
                    + (body.isEmpty() ? "" : " " + body));
        }
        Deque<Injected> queue = injected.get(method + " " + path);
        Injected inject = queue == null ? null : queue.poll();
        if (inject != null) {
            if (inject.status() == 0) {
                try {
                    releaseHangs.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.close();
                return;
            }
            if (inject.retryAfter() != null) {
                ex.getResponseHeaders().add("Retry-After", inject.retryAfter());
            }
            answer(ex, inject.status(), inject.body());
            return;
        }
        if (method.equals("POST") && path.equals("/oauth/token")) {
            token(ex, body);
            return;
        }
        Instant expiry = auth != null && auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            answer(ex, 401, "{\"error\":\"invalid_token\"}");
            return;
        }
        if (method.equals("GET") && path.equals("/v1/servers")) {
            answer(ex, 200, Json.mapper().createObjectNode().set("servers",
                    Json.mapper().valueToTree(servers.values())).toString());
        } else if (path.startsWith("/v1/servers/")) {
            ObjectNode s = servers.get(path.substring("/v1/servers/".length()));
            if (s == null) {
                answer(ex, 404, "{\"error\":\"no such server\"}");
            } else if (method.equals("GET")) {
                answer(ex, 200, s.toString());
            } else if (method.equals("PUT")) {
                JsonNode req = Json.mapper().readTree(body);
                if (!req.path("cpu").isNumber() || !req.path("ram_mb").isNumber() || !req.path("disk_gb").isNumber()) {
                    answer(ex, 422, "{\"error\":\"cpu, ram_mb and disk_gb are required numbers\"}");
                    return;
                }
                if (req.get("cpu").asLong() > 8) {
                    answer(ex, 200, "{\"status\":\"done\",\"pending_reboot\":true}");
                    return;
                }
                s.put("cpu", req.get("cpu").asLong()).put("ram_mb", req.get("ram_mb").asLong())
                        .put("disk_gb", req.get("disk_gb").asLong());
                answer(ex, 200, "{\"status\":\"done\"}");
            } else {
                answer(ex, 405, "");
            }
        } else {
            answer(ex, 404, "{\"error\":\"not found\"}");
        }
    }

    private void token(HttpExchange ex, String form) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            fields.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        if (!"client_credentials".equals(fields.get("grant_type")) || !CLIENT_ID.equals(fields.get("client_id"))
                || !CLIENT_SECRET.equals(fields.get("client_secret"))) {
            answer(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String token;
        synchronized (this) {
            token = "tok-" + (++tokenCount);
        }
        tokens.put(token, clock.instant().plusSeconds(tokenLifetimeSeconds));
        answer(ex, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + tokenLifetimeSeconds + "}");
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        releaseHangs.countDown();
        server.stop(0);
    }
}
