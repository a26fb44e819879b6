package io.scalemanager.server.cli;

import io.scalemanager.server.wiring.ManagerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code scalemanager manager}: one member of the managers' Kafka consumer group. */
@Command(name = "manager", description = "Run only a manager: rules on the events of its Kafka partitions.",
        mixinStandardHelpOptions = true)
final class ManagerCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> ManagerServer.start(options.load()));
    }
}
