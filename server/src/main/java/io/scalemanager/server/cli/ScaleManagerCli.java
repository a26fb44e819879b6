package io.scalemanager.server.cli;

import picocli.CommandLine;

import java.util.List;
import picocli.CommandLine.Command;

/** The {@code scalemanager} launcher. */
@Command(name = "scalemanager", mixinStandardHelpOptions = true, version = "ScaleManager 0.1.0",
        description = "Autoscaler for fleets of virtual machines.",
        subcommands = {RunCommand.class, DemoCommand.class, CollectorCommand.class, HistoryCommand.class,
                ManagerCommand.class, InstanceApiCommand.class,
                CleanerCommand.class, RulesCommand.class, AlertsCommand.class, TokensCommand.class, ConfigCommand.class})
public final class ScaleManagerCli {

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            EffectiveDefaults.publish(args);
        }
        int code = new CommandLine(new ScaleManagerCli()).execute(args);
        // A server returns from execute only once stopped; its shutdown hook is still running then.
        if (code != 0 || !isServer(args)) {
            System.exit(code);
        }
    }

    private static boolean isServer(String[] args) {
        if (args.length > 0 && args[0].equals("cleaner")) {
            return !List.of(args).contains("--once") && !List.of(args).contains("--dry-run");
        }
        return args.length > 0 && (args[0].equals("run") || args[0].equals("demo") || args[0].equals("instance-api"));
    }
}
