package io.scalemanager.server.cli;

import io.scalemanager.core.db.DatabaseException;
import io.scalemanager.manager.rules.RulesetException;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.wiring.StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;

/**
 * Starts a server, stops it gracefully on SIGTERM or Ctrl-C, and turns start-up failures into one or two lines
 * that name the thing and what to do; the stack trace only with {@code --verbose}.
 */
final class Launch {
    private static final Logger log = LoggerFactory.getLogger(Launch.class);

    /** Something that starts and can be stopped. */
    interface Starter {
        AutoCloseable start() throws Exception;
    }

    private Launch() {
    }

    static int untilStopped(ServerOptions options, Starter starter) {
        AutoCloseable server;
        try {
            server = starter.start();
        } catch (ConfigException | StartupException e) {
            return failed(options, e, e.getMessage(), 2);
        } catch (DatabaseException e) {
            return failed(options, e, e.getMessage() + "\n  Check that the database server runs and accepts "
                    + "connections there, and db.url, db.user, db.password ('scalemanager config' shows their sources)",
                    2);
        } catch (RulesetException e) {
            return failed(options, e, "the ruleset is invalid:\n" + e.getMessage(), 2);
        } catch (Exception e) {
            return failed(options, e, "start-up failed: " + e + (options.verbose ? ""
                    : "\n  Run again with --verbose for the details"), 1);
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

    private static int failed(ServerOptions options, Exception e, String message, int exitCode) {
        if (options.verbose) {
            log.error("Start-up failed", e);
        }
        System.err.println("scalemanager: " + message);
        return exitCode;
    }
}
