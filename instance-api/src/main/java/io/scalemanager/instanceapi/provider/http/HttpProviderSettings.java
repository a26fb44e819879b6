package io.scalemanager.instanceapi.provider.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A hoster's REST API described, not coded: where it is, how to authenticate, how to find an instance, how to
 * read its size and how to send a new one. Paths and bodies are templates with {@code {instance}}, {@code {id}}
 * (the hoster's id, from {@code find} or else the instance id) and, in the resize body, {@code {cpu}},
 * {@code {ram}}, {@code {storage}} (the whole new size), {@code {component}} and {@code {value}}.
 *
 * @param retries extra attempts after a 429, a 5xx or no answer, waiting {@code backoff} doubled each time (or the
 *                server's Retry-After), at most {@code maxBackoff}
 */
public record HttpProviderSettings(URI baseUrl, Auth auth, Optional<Find> find, SizeRead size, Resize resize,
                                   Duration timeout, int retries, Duration backoff, Duration maxBackoff) {

    public HttpProviderSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(find, "find");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(resize, "resize");
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be 0 or more");
        }
    }

    /** How requests prove who sends them. */
    public sealed interface Auth {
        /** No authentication. */
        record None() implements Auth {
        }

        /** A fixed {@code Authorization: Bearer} token. */
        record Bearer(String token) implements Auth {
            @Override
            public String toString() {
                return "Bearer[token=***]";
            }
        }

        /** HTTP basic authentication. */
        record Basic(String user, String password) implements Auth {
            @Override
            public String toString() {
                return "Basic[user=" + user + ", password=***]";
            }
        }

        /** OAuth2 client credentials: tokens from {@code tokenUrl}, cached and renewed before they expire. */
        record OAuth2(URI tokenUrl, String clientId, String clientSecret, Optional<String> scope) implements Auth {
            @Override
            public String toString() {
                return "OAuth2[tokenUrl=" + tokenUrl + ", clientId=" + clientId + ", clientSecret=***]";
            }
        }
    }

    /**
     * How to find an instance in the hoster's list: GET {@code path}, take the array at JSON pointer {@code items},
     * pick the item whose {@code match} equals the instance id (an IP address, a name), read its id at {@code id}.
     */
    public record Find(String path, String items, String match, String id) {
    }

    /**
     * How to read a size: GET {@code path} (none: use the item {@code find} found), then numbers at the JSON
     * pointers {@code cpu} (cores), {@code ram} (MiB), {@code storage} (GiB).
     */
    public record SizeRead(Optional<String> path, String cpu, String ram, String storage) {
    }

    /** How to send a new size: {@code method path} with a JSON body made from {@code body}. */
    /**
     * How a new size is sent.
     *
     * @param needsRestart a JSON pointer into the hoster's answer to the resize that is {@code true} when the
     *                     hoster stored the change for the instance's next restart (as its API documents it);
     *                     empty when the hoster applies every change at once
     */
    public record Resize(String method, String path, JsonNode body, Optional<String> needsRestart) {
        /** A hoster whose answer never says "at the next restart". */
        public Resize(String method, String path, JsonNode body) {
            this(method, path, body, Optional.empty());
        }
    }
}
