package io.scalemanager.agent.sample;

import io.scalemanager.agent.config.CustomMetric;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A custom metric: the first number a command prints (exit 0, within the timeout) or a file holds. */
public final class CustomProbe implements Probe {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final int MAX_OUTPUT = 64 * 1024;
    static final List<String> CHILD_ENV = List.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR");

    private final CustomMetric metric;
    private final Duration timeout;

    public CustomProbe(CustomMetric metric, Duration timeout) {
        this.metric = metric;
        this.timeout = timeout;
    }

    @Override
    public void sample(Map<String, Double> into) throws IOException {
        String text = metric.file() != null ? Files.readString(metric.file()) : run();
        into.put(metric.type(), firstNumber(text)
                .orElseThrow(() -> new IOException(metric.type() + ": no number in output")));
    }

    /**
     * Only what a command needs to run: the agent's own environment holds its collector token
     * (SCALEMANAGER_AGENT_TOKEN), which a metric script has no business seeing or logging.
     */
    static void minimalEnvironment(Map<String, String> env, Map<String, String> own) {
        env.clear();
        for (String name : CHILD_ENV) {
            String value = own.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", "/usr/local/bin:/usr/bin:/bin");
    }

    static OptionalDouble firstNumber(String text) {
        Matcher m = NUMBER.matcher(text);
        if (!m.find()) {
            return OptionalDouble.empty();
        }
        double v = Double.parseDouble(m.group());
        return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    }

    private String run() throws IOException {
        // Output goes to a file so that a command that hangs with its stdout open is still cut by the timeout.
        File out = File.createTempFile("scalemanager-agent-", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(metric.command()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out);
            minimalEnvironment(pb.environment(), System.getenv());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(metric.type() + ": command timed out after " + timeout.toMillis() + "ms");
            }
            if (p.exitValue() != 0) {
                throw new IOException(metric.type() + ": command exited " + p.exitValue());
            }
            try (InputStream in = Files.newInputStream(out.toPath())) {
                return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(metric.type() + ": interrupted");
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }
}
