package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.Settings;
import io.scalemanager.server.demo.SimulatedFleet;
import io.scalemanager.server.wiring.AllInOne;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code scalemanager demo}: the all-in-one plus simulated VMs whose load reacts to their size. */
@Command(name = "demo", description = "Run the all-in-one with a fleet of simulated VMs and a demo ruleset.",
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--instances", paramLabel = "N", description = "simulated VMs (default 20)")
    Integer instances;

    @Override
    public Integer call() {
        return Launch.untilStopped(options, () -> {
            Settings settings = options.load();
            int count = instances != null ? instances : settings.integer(ConfigKeys.DEMO_INSTANCES, 1, 10_000);
            AllInOne server = AllInOne.startDemo(settings);
            SimulatedFleet fleet = SimulatedFleet.reportingTo(server, count)
                    .start(settings.duration(ConfigKeys.DEMO_INTERVAL));
            return () -> {
                fleet.close();
                server.close();
            };
        });
    }
}
