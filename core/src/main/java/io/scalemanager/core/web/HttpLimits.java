package io.scalemanager.core.web;

import java.time.Duration;

/**
 * What a client may cost a server before Jetty cuts it off: no client, however slow or large its request, holds
 * a thread or a connection for long.
 *
 * @param maxHeaderBytes      request line and headers together; larger ones are answered with 431
 * @param idleTimeout         a connection that sends or reads nothing for this long is closed
 * @param minRequestBytesPerSecond a body arriving slower than this, averaged from its start, fails the request
 *                            with 408 and closes the connection (a slow-loris upload)
 */
public record HttpLimits(int maxHeaderBytes, Duration idleTimeout, long minRequestBytesPerSecond) {
    /** Jetty's own header size, a 30 s idle timeout, and 1 KiB/s: generous for agents on slow links. */
    public static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, Duration.ofSeconds(30), 1024);

    public HttpLimits {
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024, got " + maxHeaderBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (minRequestBytesPerSecond < 0) {
            throw new IllegalArgumentException("minRequestBytesPerSecond must not be negative");
        }
    }
}
