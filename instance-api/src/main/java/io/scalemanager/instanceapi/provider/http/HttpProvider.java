package io.scalemanager.instanceapi.provider.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalemanager.core.tls.ClientTls;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;
import io.scalemanager.instanceapi.provider.http.HttpProviderSettings.Auth;
import io.scalemanager.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resizes instances through a hoster's REST API as {@link HttpProviderSettings} describe it. Requests that get a
 * 429, a 5xx or no answer are retried with backoff (honouring Retry-After); other 4xx fail at once with the
 * hoster's answer in the error. Resizes send absolute sizes, so retrying one is safe.
 */
public final class HttpProvider implements Provider {
    private static final Logger log = LoggerFactory.getLogger(HttpProvider.class);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final int MAX_BODY_IN_ERROR = 500;

    /** Waits between attempts; tests replace it to see the waits without spending them. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final HttpProviderSettings settings;
    private final Backoff backoff;
    private final HttpClient client;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Object tokenLock = new Object();
    private String token;
    private Instant renewAt = Instant.MIN;

    /** @param tls what the hoster's https API (and its token URL) may present: the JDK's CAs and tls.ca */
    public HttpProvider(HttpProviderSettings settings, ClientTls tls) {
        this(settings, tls, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    HttpProvider(HttpProviderSettings settings, ClientTls tls, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.backoff = new Backoff(settings.backoff(), settings.maxBackoff());
        this.clock = clock;
        this.sleeper = sleeper;
        this.client = tls.httpClient(settings.timeout()).build();
    }

    /** An instance as the hoster knows it: its id there, and the list item {@code find} found (or null). */
    private record Located(String id, JsonNode item) {
    }

    @Override
    public Optional<Size> currentSize(String instance) {
        return locate(instance).flatMap(at -> readSize(instance, at));
    }

    @Override
    public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
        Located at = locate(instance).orElseThrow(() ->
                new ProviderException("the hoster does not know instance '" + instance + "'"));
        Size current = readSize(instance, at).orElseThrow(() ->
                new ProviderException("the hoster has no size for instance '" + instance + "'"));
        Size target = current.with(component, newValue);
        Map<String, Object> values = Map.of("instance", instance, "id", at.id(), "cpu", target.cpu(),
                "ram", target.ram(), "storage", target.storage(), "component", component.wireName(),
                "value", newValue);
        HttpProviderSettings.Resize r = settings.resize();
        String body = fill(r.body(), values).toString();
        HttpResponse<String> response = send(r.method(), path(r.path(), values), body);
        if (response.statusCode() == 404) {
            throw new ProviderException("the hoster answered 404 to " + r.method() + " " + path(r.path(), values)
                    + ": instance '" + instance + "' is gone" + excerpt(response.body()));
        }
        // Otherwise a success is taken as applied (the manager verifies it from the VM's reports), unless the
        // hoster's answer says, where its API documents it, that the change waits for the next restart.
        if (r.needsRestart().isPresent()
                && json(response, r.method() + " " + path(r.path(), values)).at(r.needsRestart().get()).asBoolean()) {
            if (restart == RestartPolicy.NEVER) {
                throw new ProviderException("the hoster stored " + component.wireName() + " " + newValue + " for the "
                        + "next restart of '" + instance + "' (" + r.needsRestart().get() + " is true), which the rule "
                        + "does not allow (restart: never); the change is pending at the hoster, undo it there");
            }
            return ResizeResult.NeedsRestart.because("the hoster applies it at the next restart");
        }
        return new ResizeResult.Applied(null);
    }

    private Optional<Located> locate(String instance) {
        if (settings.find().isEmpty()) {
            return Optional.of(new Located(instance, null));
        }
        HttpProviderSettings.Find find = settings.find().get();
        String path = path(find.path(), Map.of("instance", instance));
        HttpResponse<String> response = send("GET", path, null);
        if (response.statusCode() == 404) {
            throw new ProviderException("the hoster answered 404 to GET " + path + ": check 'find.path'");
        }
        JsonNode items = json(response, "GET " + path).at(find.items());
        if (!items.isArray()) {
            throw new ProviderException("GET " + path + ": no list at '" + find.items() + "'");
        }
        for (JsonNode item : items) {
            if (instance.equals(item.at(find.match()).asText(null))) {
                JsonNode id = item.at(find.id());
                if (!id.isValueNode() || id.asText().isEmpty()) {
                    throw new ProviderException("GET " + path + ": the item of '" + instance + "' has no id at '"
                            + find.id() + "'");
                }
                return Optional.of(new Located(id.asText(), item));
            }
        }
        return Optional.empty();
    }

    private Optional<Size> readSize(String instance, Located at) {
        HttpProviderSettings.SizeRead size = settings.size();
        JsonNode source;
        String where;
        if (size.path().isPresent()) {
            where = "GET " + path(size.path().get(), Map.of("instance", instance, "id", at.id()));
            HttpResponse<String> response = send("GET", where.substring(4), null);
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            source = json(response, where);
        } else if (at.item() != null) {
            source = at.item();
            where = "the list item of '" + instance + "'";
        } else {
            throw new ProviderException("neither 'size.path' nor 'find' says where the size of '" + instance
                    + "' is");
        }
        return Optional.of(new Size(number(source, size.cpu(), where), number(source, size.ram(), where),
                number(source, size.storage(), where)));
    }

    /** Sends one request with retries; answers 2xx and 404 to the caller, fails on anything else. */
    private HttpResponse<String> send(String method, String path, String body) {
        URI uri = URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + path);
        String what = method + " " + path;
        boolean renewedToken = false;
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(settings.timeout())
                    .header("Accept", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            authorization().ifPresent(a -> request.header("Authorization", a));
            HttpResponse<String> response = exchange(request.build(), attempt, what);
            if (response == null) {
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2 || status == 404) {
                return response;
            }
            if (status == 401 && settings.auth() instanceof Auth.OAuth2 && !renewedToken) {
                // The hoster may revoke a token before it says it expires: get a new one once.
                renewedToken = true;
                forgetToken();
                attempt--;
                continue;
            }
            if (status == 429 || status / 100 == 5) {
                retryOrFail(attempt, response, what + ": the hoster answered " + status + excerpt(response.body()));
                continue;
            }
            throw new ProviderException(what + ": the hoster refused with " + status + excerpt(response.body()));
        }
    }

    /**
     * One exchange with the hoster: its answer, or null after a timeout or network error that may be retried
     * (retryOrFail has then waited, or thrown once the retries are used up).
     */
    private HttpResponse<String> exchange(HttpRequest request, int attempt, String what) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            retryOrFail(attempt, null, what + ": no answer within " + settings.timeout().toMillis() + " ms");
        } catch (IOException e) {
            retryOrFail(attempt, null, what + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(what + ": interrupted", e);
        }
        return null;
    }

    private void retryOrFail(int attempt, HttpResponse<String> response, String problem) {
        if (attempt >= settings.retries()) {
            throw new ProviderException(problem + (settings.retries() == 0 ? ""
                    : " (gave up after " + (attempt + 1) + " attempts)"));
        }
        Duration wait = retryAfter(response).orElseGet(() -> backoff.delay(attempt));
        log.info("{}; retrying in {} ms", problem, wait.toMillis());
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(problem + "; interrupted while waiting to retry", e);
        }
    }

    private Optional<Duration> retryAfter(HttpResponse<String> response) {
        if (response == null) {
            return Optional.empty();
        }
        Optional<String> header = response.headers().firstValue("Retry-After").map(String::trim);
        if (header.isEmpty()) {
            return Optional.empty();
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(header.get()));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(header.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        if (wait.isNegative()) {
            wait = Duration.ZERO;
        }
        return Optional.of(wait.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : wait);
    }

    private Optional<String> authorization() {
        Auth auth = settings.auth();
        if (auth instanceof Auth.Bearer b) {
            return Optional.of("Bearer " + b.token());
        }
        if (auth instanceof Auth.Basic b) {
            return Optional.of("Basic " + Base64.getEncoder().encodeToString(
                    (b.user() + ":" + b.password()).getBytes(StandardCharsets.UTF_8)));
        }
        if (auth instanceof Auth.OAuth2 o) {
            return Optional.of("Bearer " + oauthToken(o));
        }
        return Optional.empty();
    }

    private void forgetToken() {
        synchronized (tokenLock) {
            token = null;
        }
    }

    /** The cached token, or a new one once the old one is within its renewal margin of expiring. */
    private String oauthToken(Auth.OAuth2 o) {
        synchronized (tokenLock) {
            if (token != null && clock.instant().isBefore(renewAt)) {
                return token;
            }
            StringBuilder form = new StringBuilder("grant_type=client_credentials")
                    .append("&client_id=").append(URLEncoder.encode(o.clientId(), StandardCharsets.UTF_8))
                    .append("&client_secret=").append(URLEncoder.encode(o.clientSecret(), StandardCharsets.UTF_8));
            o.scope().ifPresent(s -> form.append("&scope=").append(URLEncoder.encode(s, StandardCharsets.UTF_8)));
            String what = "POST " + o.tokenUrl() + " (token)";
            for (int attempt = 0; ; attempt++) {
                HttpResponse<String> response = exchange(HttpRequest.newBuilder(o.tokenUrl())
                        .timeout(settings.timeout())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), attempt, what);
                if (response == null) {
                    continue;
                }
                int status = response.statusCode();
                if (status == 429 || status / 100 == 5) {
                    retryOrFail(attempt, response, what + ": the token endpoint answered " + status);
                    continue;
                }
                if (status / 100 != 2) {
                    // Never echo the body: some endpoints repeat the credentials they were sent.
                    throw new ProviderException(what + ": the token endpoint refused the client credentials of '"
                            + o.clientId() + "' with " + status);
                }
                JsonNode answer = json(response, what);
                String access = answer.path("access_token").asText("");
                if (access.isEmpty()) {
                    throw new ProviderException(what + ": the answer has no access_token");
                }
                long lifetime = answer.path("expires_in").asLong(3600);
                // Renew a little before expiry: a minute early, or halfway for tokens shorter than two minutes.
                long margin = Math.min(60, lifetime / 2);
                token = access;
                renewAt = clock.instant().plusSeconds(lifetime - margin);
                return token;
            }
        }
    }

    private static String path(String template, Map<String, ?> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Object v = values.get(m.group(1));
            if (v == null) {
                throw new ProviderException("placeholder {" + m.group(1) + "} has no value in path " + template);
            }
            // Encoded as one path segment, so an id cannot climb out of its place in the path.
            m.appendReplacement(sb, Matcher.quoteReplacement(
                    URLEncoder.encode(v.toString(), StandardCharsets.UTF_8).replace("+", "%20")));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The body template with placeholders filled: a text that is just {@code {cpu}} becomes the number. */
    static JsonNode fill(JsonNode template, Map<String, ?> values) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (template.isObject()) {
            ObjectNode out = f.objectNode();
            for (Map.Entry<String, JsonNode> e : template.properties()) {
                out.set(e.getKey(), fill(e.getValue(), values));
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = f.arrayNode();
            template.forEach(n -> out.add(fill(n, values)));
            return out;
        }
        if (!template.isTextual()) {
            return template;
        }
        String text = template.asText();
        Matcher whole = PLACEHOLDER.matcher(text);
        if (whole.matches() && values.get(whole.group(1)) instanceof Long n) {
            return f.numberNode(n);
        }
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            Object v = values.get(m.group(1));
            if (v == null) {
                throw new ProviderException("placeholder {" + m.group(1) + "} has no value in the resize body");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v.toString()));
        }
        m.appendTail(sb);
        return f.textNode(sb.toString());
    }

    private static JsonNode json(HttpResponse<String> response, String what) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new ProviderException(what + ": the answer is not JSON" + excerpt(response.body()));
        }
    }

    private static long number(JsonNode source, String pointer, String where) {
        JsonNode n = source.at(pointer);
        if (n.isNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isTextual() && n.asText().matches("\\d{1,18}")) {
            return Long.parseLong(n.asText());
        }
        throw new ProviderException(where + ": no whole number at '" + pointer + "'");
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String b = body.strip();
        return ": " + (b.length() <= MAX_BODY_IN_ERROR ? b : b.substring(0, MAX_BODY_IN_ERROR) + "…");
    }
}
