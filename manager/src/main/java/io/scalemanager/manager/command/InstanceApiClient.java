package io.scalemanager.manager.command;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.tls.ClientTls;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The manager's side of the instance API, over HTTP even inside the all-in-one, so the two can be split.
 * Commands are always sent as absolute sizes the manager computed, which makes a resend with the same
 * {@code Idempotency-Key} byte-for-byte the same request. The base address is read per request, as the
 * all-in-one knows its own port only once it listens.
 */
public final class InstanceApiClient {
    private final Supplier<URI> base;
    private final Optional<String> token;
    private final Duration timeout;
    private final HttpClient http;

    /** Over plain HTTP, or HTTPS verified with the JDK's CAs. */
    public InstanceApiClient(Supplier<URI> base, Optional<String> token, Duration timeout) {
        this(base, token, timeout, ClientTls.SYSTEM);
    }

    /** With {@code tls} deciding which certificates an {@code https} instance API may present. */
    public InstanceApiClient(Supplier<URI> base, Optional<String> token, Duration timeout, ClientTls tls) {
        this.base = base;
        this.token = token;
        this.timeout = timeout;
        this.http = tls.httpClient(timeout).build();
    }

    /** The instance's current size, or empty when the instance API does not know it. */
    public Optional<Size> size(String instance) {
        HttpResponse<String> response = send(request("/v1/instances/" + encode(instance)).GET().build());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(expect(response, 200, SizeAnswer.class).size());
    }

    /** A size and where it comes from: "simulator" (made up) or "provider" (the environment's answer). */
    public record SourcedSize(Size size, String source) {
    }

    /** The same, without blocking: for listing many instances at once. Completes empty on any failure. */
    public CompletableFuture<Optional<Size>> sizeAsync(String instance) {
        return sourcedSizeAsync(instance).thenApply(s -> s.map(SourcedSize::size));
    }

    /** The size and where it comes from, without blocking. Completes empty on any failure. */
    public CompletableFuture<Optional<SourcedSize>> sourcedSizeAsync(String instance) {
        return http.sendAsync(request("/v1/instances/" + encode(instance)).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> {
                    if (r.statusCode() != 200) {
                        return Optional.<SourcedSize>empty();
                    }
                    SizeAnswer answer = read(parse(r.body()), SizeAnswer.class);
                    return Optional.of(new SourcedSize(answer.size(), answer.source() == null ? "provider"
                            : answer.source()));
                })
                .exceptionally(e -> Optional.empty());
    }

    /** Whether the instance API answers its readiness check within {@code within} (for this manager's /ready). */
    public boolean ready(Duration within) {
        HttpRequest request = HttpRequest.newBuilder(base.get().resolve("/ready")).timeout(within).GET().build();
        try {
            return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .get(within.toMillis(), TimeUnit.MILLISECONDS).statusCode() == 200;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Asks for the component to be set to the absolute value; returns the operation id. */
    public String resize(String instance, Component component, long value, String idempotencyKey) {
        return resize(instance, component, value, RestartPolicy.ALLOWED, idempotencyKey);
    }

    /**
     * Asks for the component to be set to the absolute value, refused by the provider when it would wait for a
     * restart and {@code restart} is never; returns the operation id.
     */
    public String resize(String instance, Component component, long value, RestartPolicy restart,
                         String idempotencyKey) {
        // Only "never" is sent: an instance API that does not know the field must not read it as allowed silently.
        ResizeBody body = new ResizeBody(component.wireName(), "abs", value,
                restart == RestartPolicy.NEVER ? "never" : null);
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body, e);
        }
        HttpResponse<String> response = send(request("/v1/instances/" + encode(instance) + "/resize")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
        return expect(response, 202, OperationAnswer.class).operation();
    }

    /** The state of an operation: its status and, once it ended, its result. */
    public OperationState operation(String id) {
        HttpResponse<String> response = send(request("/v1/operations/" + encode(id)).GET().build());
        OperationAnswer answer = expect(response, 200, OperationAnswer.class);
        String text = answer.status();
        OperationStatus status = OperationStatus.parse(text == null ? "" : text).orElseThrow(() ->
                new CommandException(true, 0, "instance API answered operation " + id + " with an unknown status '"
                        + (text == null ? "" : text) + "'"));
        return new OperationState(status, status.isFinished() ? ResizeResult.of(status, answer.needsRestart(),
                answer.note(), answer.error()) : null);
    }

    /** The resize the instance API is asked for. Only "never" is sent as {@code restart} (see above). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResizeBody(String component, String mode, long value, String restart) {
    }

    /** What the manager reads of the instance API's {@code GET /v1/instances/{instance}}. */
    record SizeAnswer(long cpu, long ram, long storage, String source) {
        Size size() {
            return new Size(cpu, ram, storage);
        }
    }

    /** What the manager reads of an operation: an accepted resize's id, or the operation's state. */
    record OperationAnswer(String operation, String status, @JsonProperty("needs_restart") boolean needsRestart,
                           String note, String error) {
    }

    /**
     * An operation as the instance API reports it: its status and, once finished, how it ended (applied, stored
     * for the instance's next restart, or failed); {@code result} is null while it is pending or running.
     */
    public record OperationState(OperationStatus status, ResizeResult result) {
        public boolean finished() {
            return status.isFinished();
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.get().resolve(path)).timeout(timeout);
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CommandException(true, 0, "instance API unreachable at " + base.get() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandException(true, 0, "interrupted");
        }
    }

    private static <T> T expect(HttpResponse<String> response, int status, Class<T> answer) {
        if (response.statusCode() == status) {
            return read(parse(response.body()), answer);
        }
        String message = parse(response.body()).path("error").asText("HTTP " + response.statusCode());
        boolean retryable = response.statusCode() >= 500 || response.statusCode() == 409
                || response.statusCode() == 429;
        throw new CommandException(retryable, response.statusCode(), message);
    }

    private static JsonNode parse(String body) {
        try {
            return Json.mapper().readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return Json.mapper().createObjectNode().put("error", "unreadable answer: " + body);
        }
    }

    private static <T> T read(JsonNode body, Class<T> answer) {
        try {
            return Json.mapper().treeToValue(body, answer);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CommandException(true, 0, "instance API answered something unreadable: " + body);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
