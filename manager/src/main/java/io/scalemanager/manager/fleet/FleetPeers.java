package io.scalemanager.manager.fleet;

import com.fasterxml.jackson.core.type.TypeReference;
import io.scalemanager.core.json.Json;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The other managers' share of the fleet. Each manager knows the instances of its own Kafka partitions; a fleet
 * listing asks every live peer of the roster for its own ({@code scope=local}) and merges the pages.
 */
public final class FleetPeers {
    private static final TypeReference<Map<String, List<Map<String, Object>>>> PAGE = new TypeReference<>() {
    };

    private final ManagerRoster roster;
    private final Duration timeout;
    private final HttpClient http;

    public FleetPeers(ManagerRoster roster, Duration timeout) {
        this.roster = roster;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    public List<URI> peers() {
        return roster.peers();
    }

    /** The instances the peer knows itself, in id order after {@code after}; fails on any answer but 200. */
    public CompletableFuture<List<Map<String, Object>>> localPage(URI peer, String after, int limit) {
        String query = "scope=local&limit=" + limit
                + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(peer.resolve("/v1/instances?" + query)).timeout(timeout)
                .GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("answered " + response.statusCode());
            }
            try {
                List<Map<String, Object>> instances = Json.mapper().readValue(response.body(), PAGE).get("instances");
                if (instances == null) {
                    throw new IllegalStateException("answered without an instances list");
                }
                return instances;
            } catch (java.io.IOException e) {
                throw new IllegalStateException("answered with unreadable JSON: " + e.getMessage(), e);
            }
        });
    }

    /**
     * The peer's own answer to "why" for the instance ({@code scope=local}): its JSON body, or empty when the
     * peer does not know the instance (404); fails on any other answer.
     */
    public CompletableFuture<Optional<String>> localWhy(URI peer, String instance) {
        String path = "/v1/instances/" + URLEncoder.encode(instance, StandardCharsets.UTF_8) + "/why?scope=local";
        HttpRequest request = HttpRequest.newBuilder(peer.resolve(path)).timeout(timeout).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("answered " + response.statusCode());
            }
            return Optional.of(response.body());
        });
    }

    /**
     * The first {@code limit} instances of all pages in id order. An instance on two pages (its partition moved
     * while the pages were read) is taken from the one that saw it last.
     */
    public static List<Map<String, Object>> merge(List<List<Map<String, Object>>> pages, int limit) {
        Map<String, Map<String, Object>> byId = new TreeMap<>();
        Comparator<Map<String, Object>> lastSeen = Comparator.comparingDouble(FleetPeers::lastSeen);
        for (List<Map<String, Object>> page : pages) {
            for (Map<String, Object> instance : page) {
                byId.merge(String.valueOf(instance.get("instance")), instance,
                        (a, b) -> lastSeen.compare(a, b) >= 0 ? a : b);
            }
        }
        List<Map<String, Object>> merged = new ArrayList<>(Math.min(limit, byId.size()));
        for (Map<String, Object> instance : byId.values()) {
            if (merged.size() == limit) {
                break;
            }
            merged.add(new LinkedHashMap<>(instance));
        }
        return merged;
    }

    private static double lastSeen(Map<String, Object> instance) {
        return instance.get("last_seen") instanceof Number n ? n.doubleValue() : 0;
    }
}
