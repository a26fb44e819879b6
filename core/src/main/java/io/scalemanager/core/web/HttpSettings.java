package io.scalemanager.core.web;

import io.scalemanager.core.tls.ServerTls;

import java.util.Optional;

/**
 * Where and how a component serves HTTP.
 *
 * @param host            address to bind; loopback unless an API token is configured
 * @param port            TCP port; 0 picks a free one (tests)
 * @param maxRequestBytes larger bodies, with a Content-Length or chunked, are answered with 413
 * @param apiToken        bearer token required on every request that changes something, when present
 * @param limits          header size, idle timeout and minimum upload rate
 * @param tls             serve HTTPS from these files instead of plain HTTP, when present
 */
public record HttpSettings(String host, int port, long maxRequestBytes, Optional<String> apiToken,
                           HttpLimits limits, Optional<ServerTls> tls) {

    /** Plain HTTP. */
    public HttpSettings(String host, int port, long maxRequestBytes, Optional<String> apiToken, HttpLimits limits) {
        this(host, port, maxRequestBytes, apiToken, limits, Optional.empty());
    }

    /** Settings with the default {@link HttpLimits}. */
    public HttpSettings(String host, int port, long maxRequestBytes, Optional<String> apiToken) {
        this(host, port, maxRequestBytes, apiToken, HttpLimits.DEFAULTS);
    }

    /** The same, served over TLS from {@code files}. */
    public HttpSettings withTls(ServerTls files) {
        return new HttpSettings(host, port, maxRequestBytes, apiToken, limits, Optional.of(files));
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }
}
