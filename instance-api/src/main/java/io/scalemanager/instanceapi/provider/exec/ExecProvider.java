package io.scalemanager.instanceapi.provider.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.scalemanager.core.json.Json;
import io.scalemanager.core.operation.ResizeResult;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.instanceapi.provider.ChildEnvironment;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.instanceapi.provider.ProviderException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs configured commands to read and change sizes: argv lists with placeholders, started without a shell.
 * Every value is checked before it is substituted, so an instance id cannot inject an option ({@code -rf}), a
 * path ({@code a/b}) or anything a script might expand; the values are also passed as environment variables
 * {@code SCALEMANAGER_INSTANCE}, {@code SCALEMANAGER_COMPONENT}, {@code SCALEMANAGER_FROM}, {@code SCALEMANAGER_TO},
 * and {@code SCALEMANAGER_RESTART} ({@code allowed}, or {@code never} when the change must not wait for a restart).
 * A resize command that exits with {@link #STORED_FOR_RESTART} stored the change for the next restart.
 * The commands see no other variable of this process but a few basics and those {@code pass_env} names.
 */
public final class ExecProvider implements Provider {
    /** Letters, digits and {@code . _ : @ -}, not starting with {@code -} or {@code .}: safe in argv and paths. */
    public static final Pattern SAFE_INSTANCE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._:@-]{0,254}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    /**
     * The exit status of a resize command that stored the change for the instance's next restart (docs/operations.md):
     * the operation then needs a restart. A command run with {@code SCALEMANAGER_RESTART=never} must not make such a
     * change and should fail instead.
     */
    public static final int STORED_FOR_RESTART = 100;

    private final ExecSettings settings;
    private final Map<String, String> ownEnvironment;

    public ExecProvider(ExecSettings settings) {
        this(settings, System.getenv());
    }

    /** @param ownEnvironment this process's environment, from which the commands get only a few variables */
    ExecProvider(ExecSettings settings, Map<String, String> ownEnvironment) {
        this.settings = settings;
        this.ownEnvironment = Map.copyOf(ownEnvironment);
    }

    @Override
    public Optional<Size> currentSize(String instance) {
        String out = run(expand(settings.sizeCommand(), Map.of("instance", safe(instance))),
                Map.of("SCALEMANAGER_INSTANCE", instance)).trim();
        if (out.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode size = Json.mapper().readTree(out);
            return Optional.of(new Size(whole(size, "cpu", out), whole(size, "ram", out), whole(size, "storage", out)));
        } catch (JsonProcessingException e) {
            throw new ProviderException("size command for '" + instance + "' printed no JSON size: "
                    + truncate(out));
        }
    }

    @Override
    public ResizeResult.Made resize(String instance, Component component, long newValue, RestartPolicy restart) {
        String safeInstance = safe(instance);
        Size current = currentSize(instance).orElseThrow(() ->
                new ProviderException("size command does not know instance '" + instance + "'"));
        Map<String, String> values = Map.of("instance", safeInstance, "component", component.wireName(),
                "from", Long.toString(current.get(component)), "to", Long.toString(newValue),
                "unit", component.unit());
        Ran ran = run(expand(settings.resizeCommand(), values), Map.of("SCALEMANAGER_INSTANCE", safeInstance,
                "SCALEMANAGER_COMPONENT", component.wireName(), "SCALEMANAGER_FROM", values.get("from"),
                "SCALEMANAGER_TO", values.get("to"), "SCALEMANAGER_RESTART", restart.wireName()), true);
        boolean atRestart = ran.status() == STORED_FOR_RESTART;
        String printed = ran.out().strip();
        // The last line the command printed says how it went ("live", "after reboot"), if it said anything.
        String note = printed.isEmpty() ? null : truncate(printed.substring(printed.lastIndexOf('\n') + 1));
        if (atRestart) {
            return ResizeResult.NeedsRestart.because(note == null
                    ? "the resize command stored it for the next restart" : note);
        }
        return new ResizeResult.Applied(note);
    }

    /** The argv with placeholders replaced; a placeholder without a value is refused (configs are checked). */
    static List<String> expand(List<String> template, Map<String, String> values) {
        List<String> argv = new ArrayList<>(template.size());
        for (String arg : template) {
            Matcher m = PLACEHOLDER.matcher(arg);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(1));
                if (value == null) {
                    throw new ProviderException("placeholder {" + m.group(1) + "} has no value here");
                }
                m.appendReplacement(sb, Matcher.quoteReplacement(value));
            }
            m.appendTail(sb);
            argv.add(sb.toString());
        }
        return argv;
    }

    private static String safe(String instance) {
        if (instance == null || !SAFE_INSTANCE.matcher(instance).matches()) {
            throw new ProviderException("instance id '" + instance + "' is not safe to pass to a command: use "
                    + "letters, digits and . _ : @ -, not starting with - or .");
        }
        return instance;
    }

    /** What a command printed, and its exit status (0, or {@link #STORED_FOR_RESTART} where that is allowed). */
    private record Ran(int status, String out) {
    }

    private String run(List<String> argv, Map<String, String> env) {
        return run(argv, env, false).out();
    }

    private Ran run(List<String> argv, Map<String, String> env, boolean restartStatusAllowed) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.PIPE);
        ChildEnvironment.apply(pb, ownEnvironment, settings.passEnv(), env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ProviderException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // It exited already; its exit status tells.
        }
        Capture out = new Capture(p.getInputStream(), settings.maxOutputChars());
        Capture err = new Capture(p.getErrorStream(), settings.maxOutputChars());
        out.start();
        err.start();
        try {
            if (!p.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new ProviderException(argv.get(0) + " did not finish within " + settings.timeout().toMillis()
                        + " ms and was killed" + outputs(out, err));
            }
            out.join(settings.timeout().toMillis());
            err.join(settings.timeout().toMillis());
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted while " + argv.get(0) + " ran; it was killed", e);
        }
        boolean stored = restartStatusAllowed && p.exitValue() == STORED_FOR_RESTART;
        if (p.exitValue() != 0 && !stored) {
            throw new ProviderException(argv.get(0) + " exited with status " + p.exitValue() + outputs(out, err));
        }
        return new Ran(p.exitValue(), out.text());
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String outputs(Capture out, Capture err) {
        String o = out.text().strip();
        String e = err.text().strip();
        return (e.isEmpty() ? "" : "; stderr: " + e) + (o.isEmpty() ? "" : "; stdout: " + o);
    }

    private static long whole(JsonNode size, String field, String out) {
        JsonNode n = size.get(field);
        if (n == null || !n.canConvertToLong() || n.asLong() < 0) {
            throw new ProviderException("size command printed no whole '" + field + "': " + truncate(out));
        }
        return n.asLong();
    }

    private static String truncate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }

    /** Reads a stream to its end on its own thread, keeping only the first {@code limit} characters. */
    private static final class Capture extends Thread {
        private final InputStream in;
        private final int limit;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private volatile boolean truncated;

        Capture(InputStream in, int limit) {
            super("exec-output");
            setDaemon(true);
            this.in = in;
            this.limit = limit;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    int room = limit - kept.size();
                    if (room > 0) {
                        kept.write(buf, 0, Math.min(n, room));
                    }
                    if (n > room) {
                        truncated = true;
                    }
                }
            } catch (IOException e) {
                // The process was killed: keep what was read.
            }
        }

        synchronized String text() {
            String s;
            synchronized (kept) {
                s = kept.toString(StandardCharsets.UTF_8);
            }
            return truncated ? s + "… (truncated)" : s;
        }
    }
}
