package io.scalemanager.server.cli;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.wiring.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/** Starts a server, stops it gracefully on SIGTERM or Ctrl-C, and turns start-up failures into one clear line. */
final class Launch {
    private static final Logger log = LoggerFactory.getLogger(Launch.class);

    /** Something that starts and can be stopped. */
    interface Starter {
        AutoCloseable start() throws Exception;
    }

    private Launch() {
    }

    static int untilStopped(Starter starter) {
        AutoCloseable server;
        try {
            server = starter.start();
        } catch (ConfigException | StartupException | DatabaseException e) {
            System.err.println("scalemanager: " + e.getMessage());
            return 2;
        } catch (RulesetException e) {
            System.err.println("scalemanager: the ruleset is invalid:\n" + e.getMessage());
            return 2;
        } catch (Exception e) {
            log.error("Start-up failed", e);
            System.err.println("scalemanager: start-up failed: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping: draining requests, writes and queued events");
            try {
                server.close();
            } catch (Exception e) {
                log.error("Error while stopping", e);
            }
            log.info("Stopped");
            stopped.countDown();
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
