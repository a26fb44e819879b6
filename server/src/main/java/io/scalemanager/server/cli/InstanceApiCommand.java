package io.scalemanager.server.cli;

import io.scalemanager.server.wiring.InstanceApiServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code scalemanager instance-api}: only the instance API, next to the environment it changes. */
@Command(name = "instance-api", description = "Run only the instance API (resizes through the configured providers).",
        mixinStandardHelpOptions = true)
final class InstanceApiCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> InstanceApiServer.start(options.load()));
    }
}
