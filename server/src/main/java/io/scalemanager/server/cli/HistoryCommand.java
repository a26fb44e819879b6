package io.scalemanager.server.cli;

import io.scalemanager.server.wiring.HistoryServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code scalemanager history}: only the History API, on the configured (shared) database. */
@Command(name = "history", description = "Run only the History API on the configured database.",
        mixinStandardHelpOptions = true)
final class HistoryCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> HistoryServer.start(options.load()));
    }
}
