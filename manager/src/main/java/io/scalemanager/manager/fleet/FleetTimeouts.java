package io.scalemanager.manager.fleet;

import java.time.Duration;

/**
 * The waits of a fleet-wide read, which depend on each other: a manager waits {@code size} for the instance API's
 * sizes of its own instances; another manager asking it for its share therefore needs longer ({@code peerRequest});
 * and the asking manager waits {@code peerWait} for all peers together, a little more than one peer request.
 *
 * @param size        wait for the sizes of a page's instances from the instance API (a size not there by then is
 *                    left out, null)
 * @param peerRequest HTTP timeout of one request to another manager
 * @param peerWait    wait for all other managers' answers together; those that did not answer are named
 */
public record FleetTimeouts(Duration size, Duration peerRequest, Duration peerWait) {
    /** 5 s for sizes, 7 s for a peer's answer, 8 s for all peers. */
    public static final FleetTimeouts DEFAULTS =
            new FleetTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(8));

    public FleetTimeouts {
        if (size.isNegative() || size.isZero()) {
            throw new IllegalArgumentException("the size wait must be positive, got " + size);
        }
        if (peerRequest.compareTo(size) <= 0) {
            throw new IllegalArgumentException("a peer request (" + peerRequest + ") must outlast the size wait ("
                    + size + ") the peer spends on its own page");
        }
        if (peerWait.compareTo(peerRequest) < 0) {
            throw new IllegalArgumentException("the wait for all peers (" + peerWait
                    + ") must be at least one peer request (" + peerRequest + ")");
        }
    }
}
