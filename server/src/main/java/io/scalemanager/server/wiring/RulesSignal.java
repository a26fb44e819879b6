package io.scalemanager.server.wiring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the rules, the way daemons conventionally re-read their configuration. The JDK's only handle on
 * signals is {@code sun.misc.Signal} (module jdk.unsupported, present in every JDK); where it is refused (a JVM
 * started with -Xrs, or a platform without SIGHUP), reloading works through {@code POST /v1/rules/reload} alone.
 */
final class RulesSignal {
    private static final Logger log = LoggerFactory.getLogger(RulesSignal.class);

    private RulesSignal() {
    }

    static void onHangup(Runnable reload) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                log.info("SIGHUP: reloading the rules");
                try {
                    reload.run();
                } catch (RuntimeException e) {
                    log.error("Rules reload on SIGHUP failed", e);
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // The JVM refuses HUP where it reserves the signal (e.g. run with -Xrs) or the platform lacks it:
            // not an open end, the HTTP reload still works.
            log.warn("SIGHUP cannot be handled here ({}); reload the rules with POST /v1/rules/reload",
                    e.getMessage());
        }
    }
}
