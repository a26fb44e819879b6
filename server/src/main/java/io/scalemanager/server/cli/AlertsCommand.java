package io.scalemanager.server.cli;

import io.scalemanager.manager.alert.Severity;
import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;
import io.scalemanager.manager.alert.config.AlertsConfig;
import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;
import io.scalemanager.server.wiring.AllInOne;
import io.scalemanager.server.wiring.StartupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code scalemanager alerts test}: sends a test alert through every configured channel and reports each. */
@Command(name = "alerts", description = "Work with alert channels.", subcommands = AlertsCommand.Test.class,
        mixinStandardHelpOptions = true)
public final class AlertsCommand {

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Send a test alert through every channel of the alerts file and print each result. "
                    + "Exit 0 when every channel took it, 1 when one did not, 2 when there is nothing to test.")
    static final class Test implements Callable<Integer> {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML config file naming the alerts file "
                + "(env SCALEMANAGER_CONFIG; default config/scalemanager.yaml if present)")
        Path config;

        @Option(names = "--alerts", paramLabel = "FILE", description = "the alerts file (config key 'alerts', env "
                + "SCALEMANAGER_ALERTS)")
        String alerts;

        @Override
        public Integer call() {
            AlertsConfig parsed;
            try {
                Map<String, String> flags = new HashMap<>();
                flags.put(ConfigKeys.ALERTS.key(), alerts);
                Settings settings = new ConfigLoader(System.getenv()).load(Optional.ofNullable(config), flags);
                parsed = AllInOne.loadAlerts(settings);
            } catch (ConfigException | StartupException e) {
                System.err.println("scalemanager: " + e.getMessage());
                return 2;
            }
            if (parsed.channels().isEmpty()) {
                System.err.println("scalemanager: no alert channels configured: set config key 'alerts' "
                        + "(SCALEMANAGER_ALERTS or --alerts) to an alerts file; see config/alerts.example.yaml");
                return 2;
            }
            return sendTest(parsed.channels(), System.out);
        }
    }

    /** Sends one test notification per channel; 0 when every channel took it, else 1. */
    public static int sendTest(List<Notifier> channels, PrintStream out) {
        Notification test = new Notification(List.of(new Notification.Item(System.currentTimeMillis(), Severity.INFO,
                null, null, "test", "test alert from `scalemanager alerts test` on " + hostName()
                + ": this channel works", false)));
        int failed = 0;
        for (Notifier n : channels) {
            long start = System.nanoTime();
            try {
                n.send(test);
                out.printf("%s: ok (%d ms)%n", n.name(), (System.nanoTime() - start) / 1_000_000);
            } catch (DeliveryException | RuntimeException e) {
                failed++;
                out.printf("%s: FAILED: %s%n", n.name(), e.getMessage());
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "this host";
        }
    }
}
