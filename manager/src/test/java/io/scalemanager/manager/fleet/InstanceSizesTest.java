package io.scalemanager.manager.fleet;

import com.sun.net.httpserver.HttpServer;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.time.MutableClock;
import io.scalemanager.manager.command.InstanceApiClient;
import io.scalemanager.manager.command.InstanceApiClient.SourcedSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fleet views' sizes over real HTTP against an instance API stand-in on loopback that counts the requests it
 * gets and how many are under way at once: a page asked again within the ttl asks nothing, at most
 * {@code maxInFlight} requests are under way, and an ended action or the ttl makes the next read ask again.
 */
class InstanceSizesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T00:00:00Z"));
    private final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    private final AtomicInteger underWay = new AtomicInteger();
    private final AtomicInteger mostUnderWay = new AtomicInteger();
    private volatile long cpu = 2;
    private volatile int status = 200;
    private volatile long delayMs = 0;
    private volatile CountDownLatch hold = new CountDownLatch(0);
    private HttpServer instanceApi;
    private InstanceApiClient client;

    @BeforeEach
    void startInstanceApi() throws IOException {
        instanceApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        instanceApi.setExecutor(Executors.newFixedThreadPool(64));
        instanceApi.createContext("/v1/instances/", exchange -> {
            String instance = exchange.getRequestURI().getPath().substring("/v1/instances/".length());
            asked.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
            mostUnderWay.accumulateAndGet(underWay.incrementAndGet(), Math::max);
            try {
                hold.await(10, TimeUnit.SECONDS);
                Thread.sleep(delayMs); // the stand-in's own answer time, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            underWay.decrementAndGet();
            byte[] body = (status == 200 ? "{\"instance\":\"" + instance + "\",\"cpu\":" + cpu
                    + ",\"ram\":2048,\"storage\":20,\"source\":\"provider\"}" : "{\"error\":\"down\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        instanceApi.start();
        client = new InstanceApiClient(() -> URI.create("http://127.0.0.1:" + instanceApi.getAddress().getPort()),
                Optional.empty(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        hold.countDown();
        instanceApi.stop(0);
        ((java.util.concurrent.ExecutorService) instanceApi.getExecutor()).shutdownNow();
    }

    private InstanceSizes sizes(Duration ttl, int maxInFlight) {
        return new InstanceSizes(client::sourcedSizeAsync, ttl, maxInFlight, clock);
    }

    private static List<Optional<SourcedSize>> page(InstanceSizes sizes, int instances) {
        List<CompletableFuture<Optional<SourcedSize>>> pending = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            pending.add(sizes.get("vm-" + i));
        }
        return pending.stream().map(f -> f.orTimeout(30, TimeUnit.SECONDS).join()).toList();
    }

    private int requests() {
        return asked.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    @Test
    void aPageShownAgainWithinTheTtlAsksTheInstanceApiNothing() {
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        assertThat(page(sizes, 50)).allSatisfy(s -> assertThat(s).contains(
                new SourcedSize(new Size(2, 2048, 20), "provider")));
        assertThat(requests()).isEqualTo(50);

        clock.advance(Duration.ofSeconds(29));
        assertThat(page(sizes, 50)).allSatisfy(s -> assertThat(s).isPresent());
        assertThat(requests()).as("requests after the second page").isEqualTo(50);
        assertThat(sizes.kept()).isEqualTo(50);
    }

    @Test
    void atMostMaxInFlightRequestsAreUnderWayAtOnce() {
        delayMs = 20;
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        assertThat(page(sizes, 200)).allSatisfy(s -> assertThat(s).isPresent());
        assertThat(requests()).isEqualTo(200);
        assertThat(mostUnderWay.get()).isBetween(1, 8);
    }

    @Test
    void twoPagesAskingForOneInstanceAtOnceShareOneRequest() {
        hold = new CountDownLatch(1);
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        CompletableFuture<Optional<SourcedSize>> first = sizes.get("vm-1");
        CompletableFuture<Optional<SourcedSize>> second = sizes.get("vm-1");
        hold.countDown();
        assertThat(first.orTimeout(10, TimeUnit.SECONDS).join()).isPresent();
        assertThat(second.orTimeout(10, TimeUnit.SECONDS).join()).isPresent();
        assertThat(asked.get("vm-1").get()).isEqualTo(1);
    }

    @Test
    void anActionEndingOnTheInstanceMakesTheNextReadAskAgain() {
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        assertThat(sizes.get("vm-1").join().orElseThrow().size().cpu()).isEqualTo(2);
        cpu = 3;
        assertThat(sizes.get("vm-1").join().orElseThrow().size().cpu()).as("within the ttl").isEqualTo(2);

        sizes.forget("vm-1");
        assertThat(sizes.get("vm-1").join().orElseThrow().size().cpu()).isEqualTo(3);
        assertThat(asked.get("vm-1").get()).isEqualTo(2);
    }

    @Test
    void aSizeReadWhileTheActionEndedIsShownOnceButNotKept() {
        hold = new CountDownLatch(1);
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        CompletableFuture<Optional<SourcedSize>> underWayDuringTheAction = sizes.get("vm-1");
        sizes.forget("vm-1");
        hold.countDown();
        assertThat(underWayDuringTheAction.orTimeout(10, TimeUnit.SECONDS).join()).isPresent();
        assertThat(sizes.kept()).isZero();
        assertThat(sizes.get("vm-1").join()).isPresent();
        assertThat(asked.get("vm-1").get()).isEqualTo(2);
    }

    @Test
    void afterTheTtlTheInstanceApiIsAskedAgain() {
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        sizes.get("vm-1").join();
        cpu = 4;
        clock.advance(Duration.ofSeconds(30));
        assertThat(sizes.get("vm-1").join().orElseThrow().size().cpu()).isEqualTo(4);
        assertThat(asked.get("vm-1").get()).isEqualTo(2);
    }

    @Test
    void failuresAreNotKeptAndTheNextReadAsksAgain() {
        status = 503;
        InstanceSizes sizes = sizes(Duration.ofSeconds(30), 8);
        assertThat(sizes.get("vm-1").join()).isEmpty();
        status = 200;
        assertThat(sizes.get("vm-1").join()).isPresent();
        assertThat(asked.get("vm-1").get()).isEqualTo(2);
    }

    @Test
    void aZeroTtlKeepsNothing() {
        InstanceSizes sizes = sizes(Duration.ZERO, 8);
        page(sizes, 10);
        page(sizes, 10);
        assertThat(requests()).isEqualTo(20);
        assertThat(sizes.kept()).isZero();
    }
}
