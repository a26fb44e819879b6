package io.scalemanager.server.cli;

import io.scalemanager.server.config.ConfigKey;
import io.scalemanager.server.config.ConfigKeys;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.config.Settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes {@code --help} show the values a command would use now (from the config file and the environment), not
 * the built-in ones: the option descriptions read them as {@code ${sys:scalemanager.effective.KEY}}.
 */
final class EffectiveDefaults {
    private static final List<ConfigKey> SHOWN = List.of(ConfigKeys.LISTEN, ConfigKeys.DATA, ConfigKeys.RULES,
            ConfigKeys.DB_URL, ConfigKeys.KAFKA_BOOTSTRAP);

    private EffectiveDefaults() {
    }

    static void publish(String[] args) {
        Settings settings;
        try {
            settings = new ConfigLoader(System.getenv()).load(configFlag(args), Map.of());
        } catch (RuntimeException e) {
            return; // a broken config file: help shows the built-in defaults, and the command itself says why
        }
        boolean demo = args.length > 0 && args[0].equals("demo");
        for (ConfigKey k : SHOWN) {
            String text = settings.shown(k);
            String shown = text.isEmpty() ? null : text + " from " + settings.source(k);
            if (demo && k == ConfigKeys.RULES) {
                shown = "the built-in demo ruleset";
            } else if (demo && k == ConfigKeys.DATA) {
                shown = "./data/demo";
            } else if (demo && k == ConfigKeys.DB_URL) {
                shown = null;
            }
            if (shown != null) {
                System.setProperty("scalemanager.effective." + k.key(), shown);
            }
        }
    }

    private static Optional<Path> configFlag(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--config")) {
                return Optional.of(Path.of(args[i + 1]));
            }
        }
        return Optional.empty();
    }
}
