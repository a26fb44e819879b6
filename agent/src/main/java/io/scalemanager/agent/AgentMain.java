package io.scalemanager.agent;

import io.scalemanager.agent.config.AgentConfig;
import io.scalemanager.agent.config.ConfigException;
import io.scalemanager.agent.config.ConfigLoader;
import io.scalemanager.agent.sample.Sampler;
import io.scalemanager.agent.ship.StateJson;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The scalemanager-agent command line: {@code [--config FILE] [--KEY VALUE ...] [--once]}. */
public final class AgentMain {
    static final int EXIT_BAD_OPTION = 2;
    /** Sampling or shipping cannot go on: exit so that systemd (Restart=always) starts the agent afresh. */
    static final int EXIT_FAILED = 1;

    private AgentMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.SimpleFormatter.format", "scalemanager-agent: %4$s %5$s%6$s%n");
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parsed command line: flags by option key, and the two switches. */
    record CommandLine(Optional<Path> config, Map<String, String> flags, boolean once, boolean help) {
        static CommandLine parse(String[] args) {
            Map<String, String> flags = new LinkedHashMap<>();
            Optional<Path> config = Optional.empty();
            boolean once = false;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--once")) {
                    once = true;
                    continue;
                }
                if (a.equals("--help") || a.equals("-h")) {
                    help = true;
                    continue;
                }
                if (!a.startsWith("--")) {
                    throw new ConfigException("unexpected argument '" + a + "' (see --help)");
                }
                int eq = a.indexOf('=');
                String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
                String value;
                if (eq >= 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new ConfigException("flag --" + name + " needs a value");
                }
                if (name.equals("config")) {
                    config = Optional.of(Path.of(value));
                } else {
                    String key = name.replace('-', '_');
                    if (ConfigLoader.option(key).isEmpty() || key.equals("metrics")) {
                        throw new ConfigException("unknown flag --" + name + " (see --help)");
                    }
                    flags.put(key, value);
                }
            }
            return new CommandLine(config, flags, once, help);
        }
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        AgentConfig config;
        CommandLine cl;
        try {
            cl = CommandLine.parse(args);
            if (cl.help()) {
                out.print(usage());
                return 0;
            }
            config = new ConfigLoader(env, AgentMain::hostname).load(cl.config(), cl.flags());
        } catch (ConfigException e) {
            err.println("scalemanager-agent: " + e.getMessage());
            return EXIT_BAD_OPTION;
        }
        Sampler sampler = Sampler.linux(config);
        if (cl.once()) {
            Thread.sleep(1000); // cpu is busy time over an interval: take one second
            Map<String, Double> values = sampler.sample();
            String states = StateJson.states(config.instance(), Clock.systemUTC().millis(), values);
            out.println("[\n" + states.replace("},{", "},\n{") + "\n]");
            return 0;
        }
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            err.println("scalemanager-agent: option 'state_dir': cannot create " + config.stateDir() + ": " + e);
            return EXIT_BAD_OPTION;
        }
        Agent agent;
        try {
            agent = new Agent(config, sampler, Clock.systemUTC()).start();
        } catch (IOException e) {
            err.println("scalemanager-agent: option 'state_dir': cannot open the buffer in " + config.stateDir()
                    + ": " + e);
            return EXIT_FAILED;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close));
        // Returns only when the agent cannot go on; a stop by signal ends the JVM through the hook instead.
        Throwable failure = agent.failure().get();
        err.println("scalemanager-agent: stopping after a fault it cannot recover from: " + failure);
        return EXIT_FAILED;
    }

    static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    static String usage() {
        StringBuilder s = new StringBuilder("""
                usage: scalemanager-agent [--config FILE] [--KEY VALUE ...] [--once]
                  --once          print one sample set as JSON and exit
                  --config FILE   YAML config (env SCALEMANAGER_AGENT_CONFIG; default /etc/scalemanager/agent.yaml if present)
                options (flag, environment variable, default):
                """);
        List<ConfigLoader.Option> options = ConfigLoader.OPTIONS;
        for (ConfigLoader.Option o : options) {
            s.append(String.format("  %-15s %-32s %-28s %s%n", o.key().equals("metrics") ? "" : o.flag(), o.env(),
                    o.defaultValue() == null ? "-" : o.defaultValue(), o.meaning()));
        }
        return s.toString();
    }
}
