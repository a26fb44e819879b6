package io.scalemanager.instanceapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scalemanager.core.db.Database;
import io.scalemanager.core.db.TestDatabases;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.instanceapi.operation.OperationService;
import io.scalemanager.instanceapi.operation.OperationSettings;
import io.scalemanager.instanceapi.operation.OperationStore;
import io.scalemanager.instanceapi.provider.simulator.SimulatorProvider;
import io.scalemanager.instanceapi.provider.simulator.SimulatorSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The instance API as a process runs it: H2 file database, simulator, operations, HTTP on a free port. */
final class InstanceApiHarness implements AutoCloseable {
    final Set<String> reported = ConcurrentHashMap.newKeySet();
    final AtomicReference<Limits> limits = new AtomicReference<>(Limits.NONE);
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Database database;
    final SimulatorProvider simulator;
    final OperationService operations;
    final ApiServer server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Optional<String> token;

    InstanceApiHarness(Path dir, SimulatorSettings simulatorSettings, Clock clock, Optional<String> token,
                       Set<String> reportedInstances) {
        this.token = token;
        reported.addAll(reportedInstances);
        database = TestDatabases.h2File(dir);
        simulator = new SimulatorProvider(database, simulatorSettings, reported::contains, Set.of());
        operations = new OperationService(new OperationStore(database), simulator, limits::get, clock, registry,
                new OperationSettings(4, Duration.ZERO)).start();
        server = new ApiServer(new HttpSettings("127.0.0.1", 0, 1_000_000, token), registry)
                .add(new InstanceApiRoutes(operations, simulator, Duration.ofSeconds(10)))
                .start();
    }

    /** POST carrying the harness's token, as the manager sends it: changes always need one. */
    HttpResponse<String> post(String path, String body, String... headers) {
        return postWithoutToken(path, body, token.map(t -> concat(headers, "Authorization", "Bearer " + t))
                .orElse(headers));
    }

    HttpResponse<String> postWithoutToken(String path, String body, String... headers) {
        HttpRequest.Builder b = request(path).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    HttpResponse<String> resize(String instance, String body, String... headers) {
        return post("/v1/instances/" + instance + "/resize", body, headers);
    }

    JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    String operationStatus(String id) {
        return json(get("/v1/operations/" + id)).get("status").asText();
    }

    long size(String instance, String component) {
        return json(get("/v1/instances/" + instance)).get(component).asLong();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20));
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String[] concat(String[] headers, String name, String value) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = name;
        all[headers.length + 1] = value;
        return all;
    }

    @Override
    public void close() {
        server.close();
        operations.close();
        database.close();
    }
}
