package io.scalemanager.server.cli;

import io.scalemanager.server.wiring.AllInOne;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code scalemanager run}: every component in one process on the embedded defaults. */
@Command(name = "run", description = "Run collector, history, queue, manager and instance API in one process.",
        mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> AllInOne.start(options.load()));
    }
}
