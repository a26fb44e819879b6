package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigException;
import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code scalemanager config}: the effective configuration, each value with where it came from (config file,
 * environment variable, command line, default), secrets masked. {@code --keys}: every key with its environment
 * variable, default and meaning.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration and where each value comes from (file, environment, "
                + "flag, default), secrets masked; --keys lists every key with its default and meaning.")
final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ServerOptions options;

    @Option(names = "--keys", description = "list every key, its environment variable, default and meaning")
    boolean keys;

    @Override
    public Integer call() {
        if (keys) {
            printKeys();
            return 0;
        }
        Settings settings;
        try {
            settings = options.load();
        } catch (ConfigException e) {
            System.err.println("scalemanager: " + e.getMessage());
            return 2;
        }
        System.out.println("| key | value | from |");
        System.out.println("| --- | --- | --- |");
        for (ConfigKey k : ConfigKeys.ALL) {
            String value = settings.shown(k);
            System.out.printf("| `%s` | %s | %s |%n", k.key(), value.isEmpty() ? "(unset)" : "`" + value + "`",
                    settings.source(k));
        }
        return 0;
    }

    private static void printKeys() {
        System.out.println("| key | environment | default | meaning |");
        System.out.println("| --- | --- | --- | --- |");
        for (ConfigKey k : ConfigKeys.ALL) {
            String def = k.defaultValue() == null ? "—" : k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue() + "`";
            System.out.printf("| `%s` | `%s` | %s | %s |%n", k.key(), k.env(), def, k.description());
        }
    }
}
