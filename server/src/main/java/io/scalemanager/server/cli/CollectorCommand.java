package io.scalemanager.server.cli;

import io.scalemanager.server.wiring.CollectorServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code scalemanager collector}: ingestion only, writing the shared EventLog and publishing to Kafka. */
@Command(name = "collector", description = "Run only the collector: states in, EventLog and Kafka out.",
        mixinStandardHelpOptions = true)
final class CollectorCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> CollectorServer.start(options.load()));
    }
}
