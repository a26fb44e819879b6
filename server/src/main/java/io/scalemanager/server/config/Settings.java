package io.scalemanager.server.config;

import io.scalemanager.core.net.HostPort;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.time.DurationText;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved configuration: for each key its value and where that came from (flag, environment, file,
 * default). Typed getters fail with a {@link ConfigException} naming the key, its source and what was expected.
 */
public final class Settings {

    /** Where a value came from, in rising precedence. */
    public enum Origin { DEFAULT, FILE, ENVIRONMENT, FLAG }

    /** A value, the kind of place it came from and that place in words ("config file x.yaml"), for messages. */
    record Value(String text, Origin origin, String source) {
    }

    private final Map<String, Value> values;

    Settings(Map<String, Value> values) {
        this.values = Map.copyOf(values);
    }

    public Optional<String> optional(ConfigKey key) {
        Value v = values.get(key.key());
        return v == null || v.text().isEmpty() ? Optional.empty() : Optional.of(v.text());
    }

    public String string(ConfigKey key) {
        return optional(key).orElseThrow(() -> new ConfigException("config key '" + key.key() + "' is required ("
                + key.description() + "); set it in the config file or " + key.env()));
    }

    public int integer(ConfigKey key, int min, int max) {
        String text = string(key);
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "a whole number from " + min + " to " + max);
    }

    public long longValue(ConfigKey key, long min, long max) {
        String text = string(key);
        try {
            long n = Long.parseLong(text.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "a whole number from " + min + " to " + max);
    }

    public boolean bool(ConfigKey key) {
        return switch (string(key).trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, "true or false");
        };
    }

    public Duration duration(ConfigKey key) {
        try {
            return DurationText.parse(string(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, "a duration like 500ms, 30s, 5m or 2h");
        }
    }

    public HostPort hostPort(ConfigKey key) {
        try {
            return HostPort.parse(string(key));
        } catch (IllegalArgumentException e) {
            throw invalid(key, "HOST:PORT with a port from 0 to 65535, like 127.0.0.1:8080");
        }
    }

    /** An instance glob, checked like every other glob. */
    public Optional<InstancePattern> pattern(ConfigKey key) {
        try {
            return optional(key).map(InstancePattern::parse);
        } catch (IllegalArgumentException e) {
            throw invalid(key, InstancePattern.FORM);
        }
    }

    /** True when nobody set the key: its value is the built-in default. */
    public boolean isDefault(ConfigKey key) {
        return origin(key) == Origin.DEFAULT;
    }

    /**
     * These settings with the given keys back at their defaults unless set on the command line: for the demo,
     * which must not pick up the ruleset and database a config file names for {@code run}.
     */
    public Settings defaultsUnlessFlagged(ConfigKey... keys) {
        Map<String, Value> copy = new HashMap<>(values);
        for (ConfigKey k : keys) {
            if (origin(k) != Origin.FLAG) {
                copy.remove(k.key());
                if (k.defaultValue() != null) {
                    copy.put(k.key(), new Value(k.defaultValue(), Origin.DEFAULT, "the default"));
                }
            }
        }
        return new Settings(copy);
    }

    /** Where the key's value came from; {@link Origin#DEFAULT} also when it has no value at all. */
    public Origin origin(ConfigKey key) {
        Value v = values.get(key.key());
        return v == null ? Origin.DEFAULT : v.origin();
    }

    /** The key's value as it may be shown: secrets masked, "" when unset. */
    public String shown(ConfigKey key) {
        Value v = values.get(key.key());
        if (v == null || v.text().isEmpty()) {
            return "";
        }
        return key.secret() ? "********" : v.text();
    }

    /** Where the key's value came from in words: "config file config/scalemanager.yaml", "the default", ... */
    public String source(ConfigKey key) {
        Value v = values.get(key.key());
        return v == null ? "the default" : v.source();
    }

    ConfigException invalid(ConfigKey key, String expected) {
        Value v = values.get(key.key());
        String shown = key.secret() ? "(hidden)" : "'" + v.text() + "'";
        return new ConfigException("config key '" + key.key() + "' (from " + v.source() + "): expected " + expected
                + ", got " + shown);
    }
}
