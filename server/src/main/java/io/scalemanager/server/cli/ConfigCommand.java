package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code scalemanager config}: every configuration key with its environment variable and default. */
@Command(name = "config", description = "List every configuration key, its environment variable and default.",
        mixinStandardHelpOptions = true)
final class ConfigCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.println("| key | environment | default | meaning |");
        System.out.println("| --- | --- | --- | --- |");
        for (ConfigKey k : ConfigKeys.ALL) {
            String def = k.defaultValue() == null ? "—" : k.defaultValue().isEmpty() ? "(empty)" : "`" + k.defaultValue() + "`";
            System.out.printf("| `%s` | `%s` | %s | %s |%n", k.key(), k.env(), def, k.description());
        }
        return 0;
    }
}
