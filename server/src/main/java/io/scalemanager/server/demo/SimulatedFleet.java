package io.scalemanager.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.server.wiring.AllInOne;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The VMs of {@code scalemanager demo}: each reports like an agent would, over the collector's HTTP(S) API, with
 * values computed from its current size as the instance API reports it. A few are overloaded, so rules fire
 * within a minute; a few idle, so they are scaled down later.
 */
public final class SimulatedFleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SimulatedFleet.class);

    private final URI base;
    private final Optional<String> token;
    private final List<SimulatedVm> vms;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "demo-fleet"));
    private final Random random = new Random(42);

    /**
     * @param base  the all-in-one's {@code http://} or {@code https://} address
     * @param tls   what the fleet trusts over https
     * @param token sent with every report and read
     */
    public SimulatedFleet(URI base, ClientTls tls, Optional<String> token, int count) {
        this.base = base;
        this.token = token;
        this.http = tls.httpClient(Duration.ofSeconds(2)).build();
        this.vms = fleet(count);
    }

    /**
     * The demo's fleet reporting to {@code server} as it listens: over https when it has tls.cert (trusting the
     * certificate it serves), with its admin token.
     */
    public static SimulatedFleet reportingTo(AllInOne server, int count) {
        return new SimulatedFleet(URI.create(server.scheme() + "://" + server.address()), server.ownClientTls(),
                Optional.of(server.adminToken()), count);
    }

    /** web-1..: a mix of overloaded, busy, normal and idle machines. */
    static List<SimulatedVm> fleet(int count) {
        List<SimulatedVm> vms = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String name = (i % 4 == 0 ? "db-" : "web-") + i;
            SimulatedVm vm = switch (i % 5) {
                case 1 -> new SimulatedVm(name, 3.2, 3900);  // overloaded: cpu and ram
                case 2 -> new SimulatedVm(name, 0.1, 900);   // idle: scaled down later
                default -> new SimulatedVm(name, 0.5 + (i % 3) * 0.3, 1800 + (i % 7) * 150);
            };
            vms.add(vm);
        }
        return vms;
    }

    public SimulatedFleet start(Duration interval) {
        log.info("Demo: {} simulated VMs report every {} s; overloaded ones are web-1, web-6, web-11, ...",
                vms.size(), interval.toSeconds());
        scheduler.scheduleAtFixedRate(this::reportAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void reportAll() {
        try {
            long now = System.currentTimeMillis();
            List<StateReport> states = new ArrayList<>();
            for (SimulatedVm vm : vms) {
                Size size = currentSize(vm.name()).orElse(new Size(2, 4096, 50));
                double noise = random.nextGaussian() * 0.2;
                add(states, vm.name(), "load", round(vm.load(size, noise)), now);
                add(states, vm.name(), "cpu", round(vm.cpuPercent(size, noise)), now);
                add(states, vm.name(), "ram", round(vm.ramPercent(size, noise)), now);
                add(states, vm.name(), "cpus", size.cpu(), now);
                add(states, vm.name(), "ram_total_mb", size.ram(), now);
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/states"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(states)));
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                log.warn("Demo report answered {}: {}", response.statusCode(), response.body());
            }
        } catch (IOException | RuntimeException e) {
            // Logged, not thrown: a task that throws is never run again by the scheduler.
            log.warn("Demo report failed: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() is stopping the fleet
        }
    }

    private Optional<Size> currentSize(String instance) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/v1/instances/"
                    + URLEncoder.encode(instance, StandardCharsets.UTF_8))).GET();
            // Reads need a token too when a tokens file is set.
            token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode n = Json.mapper().readTree(r.body());
            return Optional.of(new Size(n.path("cpu").asLong(), n.path("ram").asLong(), n.path("storage").asLong()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void add(List<StateReport> states, String instance, String type, double value, long ms) {
        states.add(new StateReport(instance, type, value, ms / 1000.0));
    }

    /** One state as the collector's {@code POST /v1/states} reads it; the time in epoch seconds. */
    record StateReport(String instance, String type, double value, double timestamp) {
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
