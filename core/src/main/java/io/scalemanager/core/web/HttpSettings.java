package io.scalemanager.core.web;

import java.util.Optional;

/**
 * Where and how a component serves HTTP.
 *
 * @param host            address to bind; loopback unless an API token is configured
 * @param port            TCP port; 0 picks a free one (tests)
 * @param maxRequestBytes larger bodies, with a Content-Length or chunked, are answered with 413
 * @param apiToken        bearer token required on every request that changes something, when present
 * @param limits          header size, idle timeout and minimum upload rate
 */
public record HttpSettings(String host, int port, long maxRequestBytes, Optional<String> apiToken,
                           HttpLimits limits) {

    /** Settings with the default {@link HttpLimits}. */
    public HttpSettings(String host, int port, long maxRequestBytes, Optional<String> apiToken) {
        this(host, port, maxRequestBytes, apiToken, HttpLimits.DEFAULTS);
    }
}
