package io.scalemanager.instanceapi.provider.libvirt;

import io.scalemanager.instanceapi.provider.ChildEnvironment;
import io.scalemanager.instanceapi.provider.ProviderException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One long-lived interactive {@code virsh -c URI} process: every command runs over the same libvirt connection
 * (the test driver keeps state only within one), and no process is started per call. Commands run one at a
 * time; each is followed by {@code echo MARKER} so its output ends where the marker appears. A command that does
 * not answer in time kills the process, and the next command starts a new one.
 */
final class VirshSession implements AutoCloseable {
    /** Beyond the basics: the user's runtime dir (local libvirtd socket), ssh agent and Kerberos for remote URIs. */
    static final List<String> VIRSH_ENV = List.of("XDG_RUNTIME_DIR", "SSH_AUTH_SOCK", "KRB5CCNAME",
            "LIBVIRT_DEFAULT_URI");
    private static final String PROMPT = "virsh # ";
    private static final AtomicLong MARKERS = new AtomicLong();

    private final List<String> baseCommand;
    private final Duration timeout;
    private Process process;
    private OutputStream stdin;
    private InputStream stdout;
    private final StringBuilder pending = new StringBuilder();

    VirshSession(String virsh, String uri, Duration timeout) {
        this.baseCommand = List.of(virsh, "-q", "-c", uri);
        this.timeout = timeout;
    }

    /** What one command printed; {@code error} holds the lines virsh marked {@code error:}, or is empty. */
    record Result(String output, String error) {
        boolean failed() {
            return !error.isEmpty();
        }
    }

    /**
     * Runs one virsh command. Arguments must already be safe for virsh's own tokenizer (no spaces, quotes,
     * {@code ;}, {@code #} or backslashes): callers pass only validated names and numbers.
     */
    synchronized Result run(String... args) {
        for (String a : args) {
            if (!a.matches("[A-Za-z0-9._:/@=+-]+")) {
                throw new ProviderException("refusing to pass '" + a + "' to virsh");
            }
        }
        ensureStarted();
        String marker = "@@scalemanager-" + MARKERS.incrementAndGet() + "@@";
        String line = String.join(" ", args);
        try {
            stdin.write((line + "\necho " + marker + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            String raw = readUntil(marker);
            return parse(raw);
        } catch (IOException e) {
            kill();
            throw new ProviderException("virsh (" + baseCommand.get(3) + ") stopped answering: " + e.getMessage(), e);
        }
    }

    private void ensureStarted() {
        if (process != null && process.isAlive()) {
            return;
        }
        kill();
        try {
            ProcessBuilder pb = new ProcessBuilder(baseCommand).redirectErrorStream(true);
            // What virsh and the ssh or TLS transport under it may need; not the server's tokens and passwords.
            ChildEnvironment.apply(pb, System.getenv(), VIRSH_ENV, Map.of("LC_ALL", "C"));
            process = pb.start();
            stdin = process.getOutputStream();
            stdout = process.getInputStream();
            pending.setLength(0);
        } catch (IOException e) {
            throw new ProviderException("cannot start " + baseCommand.get(0) + ": " + e.getMessage()
                    + " (install libvirt-clients)", e);
        }
    }

    /** Reads until the marker's own output: the marker not preceded by "echo ", which is the echoed command. */
    private String readUntil(String marker) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[8192];
        int searchFrom = 0;
        while (true) {
            int at = markerOutput(pending, marker, searchFrom);
            if (at >= 0) {
                String out = pending.substring(0, at);
                pending.delete(0, at + marker.length());
                return out;
            }
            searchFrom = Math.max(0, pending.length() - marker.length() - 5);
            if (System.nanoTime() > deadline) {
                kill();
                throw new ProviderException("virsh did not answer within " + timeout.toSeconds() + "s; restarted it");
            }
            if (stdout.available() > 0) {
                int n = stdout.read(buf);
                pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } else if (!process.isAlive()) {
                int n = stdout.read(buf);
                if (n < 0) {
                    String said = pending.toString().trim();
                    kill();
                    throw new ProviderException("virsh exited" + (said.isEmpty() ? "" : ": " + said));
                }
                pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            } else {
                try {
                    // Waiting on a child process's pipe: InputStream offers no timed read.
                    process.waitFor(2, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    kill();
                    throw new ProviderException("interrupted while waiting for virsh", e);
                }
            }
        }
    }

    /**
     * Where the marker's own output starts in what virsh printed so far, from {@code from} on, or -1: virsh
     * echoes each command after its prompt, so an occurrence right after "echo " is the command, not its output.
     */
    static int markerOutput(CharSequence printed, String marker, int from) {
        String text = printed.toString();
        int at = text.indexOf(marker, from);
        while (at >= 5 && text.startsWith("echo ", at - 5)) {
            at = text.indexOf(marker, at + marker.length());
        }
        return at;
    }

    /** Splits one command's output into its lines and the lines virsh marked {@code error:}, without prompts. */
    static Result parse(String raw) {
        List<String> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String l : raw.split("\n", -1)) {
            String line = l;
            while (line.startsWith(PROMPT)) {
                line = "";
            }
            if (line.startsWith("error: ")) {
                errors.add(line.substring("error: ".length()).trim());
            } else if (!line.isBlank()) {
                out.add(line);
            }
        }
        return new Result(String.join("\n", out), String.join("; ", errors));
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            try {
                stdin.write("quit\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (IOException | InterruptedException e) {
                kill();
            }
        }
        process = null;
    }
}
