package io.scalemanager.agent.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Reports waiting to be shipped, one file per report under DIR/reports, named by a sequence number so they
 * drain in the order they were taken, across restarts. Every report goes through here (also when the collector
 * answers), so one path both ships and survives outages. The total size is bounded; when a new report does not
 * fit, the oldest are deleted and counted in DIR/dropped, which is kept across restarts. A file there that is not a
 * report this buffer wrote (a foreign file, a directory, a damaged report) is moved aside into DIR/aside, so it
 * neither stops the agent nor is sent.
 */
public final class DiskBuffer {
    private static final Logger LOG = Logger.getLogger(DiskBuffer.class.getName());
    private static final String SUFFIX = ".json";
    /** A small file still takes a block on disk, so that is what the bound counts. */
    private static final long BLOCK = 4096;
    private static final Pattern REPORT_NAME = Pattern.compile("\\d{20}\\.json");
    private static final Pattern TEMP_NAME = Pattern.compile("\\d{20}\\.json\\.tmp");

    /** One buffered report: its file and its content (states, comma-separated, no brackets). */
    public record Report(long seq, Path file, String states, long cost) {
    }

    private final Path reports;
    private final Path droppedFile;
    private final Path aside;
    private final long maxBytes;
    private final Deque<Report> queue = new ArrayDeque<>();
    /** Reports of the request on its way: the collector may store them, so they are not dropped meanwhile. */
    private final Set<Long> inFlight = new HashSet<>();
    private long bytes;
    private long nextSeq;
    private long dropped;

    public DiskBuffer(Path stateDir, long maxBytes) throws IOException {
        this.reports = stateDir.resolve("reports");
        this.droppedFile = stateDir.resolve("dropped");
        this.maxBytes = maxBytes;
        this.aside = stateDir.resolve("aside");
        Files.createDirectories(reports);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(reports)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (REPORT_NAME.matcher(name).matches() && Files.isRegularFile(p)) {
                    files.add(p);
                } else if (TEMP_NAME.matcher(name).matches() && Files.isRegularFile(p)) {
                    Files.deleteIfExists(p); // a temp file of a write cut short by a crash
                } else {
                    moveAside(p, "not a report file");
                }
            }
        }
        files.sort(null);
        for (Path p : files) {
            Optional<String> content = readReport(p);
            if (content.isEmpty()) {
                moveAside(p, "damaged report");
                continue;
            }
            long seq = Long.parseLong(p.getFileName().toString().replace(SUFFIX, ""));
            Report r = new Report(seq, p, content.get(), cost(content.get()));
            queue.addLast(r);
            bytes += r.cost();
            nextSeq = seq + 1;
        }
        if (Files.exists(droppedFile)) {
            try {
                dropped = Long.parseLong(Files.readString(droppedFile).trim());
            } catch (NumberFormatException | IOException e) {
                moveAside(droppedFile, "damaged drop count");
            }
        }
    }

    /** A report's content when it is one this buffer could have written: UTF-8, one or more JSON objects. */
    private static Optional<String> readReport(Path p) {
        try {
            String content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(p))).toString();
            return content.startsWith("{") && content.endsWith("}") ? Optional.of(content) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void moveAside(Path p, String why) throws IOException {
        Files.createDirectories(aside);
        Path target = aside.resolve(p.getFileName() + "." + System.currentTimeMillis());
        Files.move(p, target);
        syncDirectory(p.getParent());
        LOG.warning(why + ": moved " + p + " aside to " + target);
    }

    private static long cost(String states) {
        long n = states.getBytes(StandardCharsets.UTF_8).length;
        return (n + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** Stores a report durably (fsync, then an atomic rename), dropping the oldest when it would not fit. */
    public synchronized void append(String states) throws IOException {
        long cost = cost(states);
        long droppedNow = 0;
        Iterator<Report> oldestFirst = queue.iterator();
        while (bytes + cost > maxBytes && oldestFirst.hasNext()) {
            Report oldest = oldestFirst.next();
            if (inFlight.contains(oldest.seq())) {
                continue;
            }
            oldestFirst.remove();
            Files.deleteIfExists(oldest.file());
            bytes -= oldest.cost();
            droppedNow++;
        }
        if (droppedNow > 0) {
            dropped += droppedNow;
            writeAtomically(droppedFile, Long.toString(dropped));
            LOG.warning("buffer full (" + maxBytes + " bytes): dropped the " + droppedNow + " oldest report(s), "
                    + dropped + " in all");
        }
        long seq = nextSeq++;
        Path file = reports.resolve(String.format("%020d%s", seq, SUFFIX));
        writeAtomically(file, states);
        queue.addLast(new Report(seq, file, states, cost));
        bytes += cost;
        notifyAll();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The rename is durable only once the directory entry is: without this a power cut may lose the report.
        syncDirectory(file.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * The oldest reports, at most maxReports and about maxChars of states (at least one report). They are on
     * their way until remove() or release(): the bound drops others instead, so a report counted as dropped
     * never arrives after all.
     */
    public synchronized List<Report> peek(int maxReports, long maxChars) {
        inFlight.clear();
        List<Report> out = new ArrayList<>();
        long chars = 0;
        for (Report r : queue) {
            if (out.size() >= maxReports || !out.isEmpty() && chars + r.states().length() > maxChars) {
                break;
            }
            out.add(r);
            inFlight.add(r.seq());
            chars += r.states().length();
        }
        return out;
    }

    /** Forgets reports the collector has stored, as peek returned them. */
    public synchronized void remove(List<Report> shipped) throws IOException {
        // Forget them all first: a file that cannot be deleted is sent again after a restart, never in this run.
        for (Report r : shipped) {
            if (queue.remove(r)) {
                bytes -= r.cost();
            }
            inFlight.remove(r.seq());
        }
        for (Report r : shipped) {
            Files.deleteIfExists(r.file());
        }
    }

    /** The request failed: its reports may be dropped again when the buffer is full. */
    public synchronized void release() {
        inFlight.clear();
    }

    /** Waits up to timeoutMillis for a report to arrive; returns at once when one is waiting. */
    public synchronized void awaitReport(long timeoutMillis) throws InterruptedException {
        if (queue.isEmpty()) {
            wait(timeoutMillis);
        }
    }

    /** Ends an awaitReport early, when the agent stops. */
    public synchronized void wake() {
        notifyAll();
    }

    public synchronized int size() {
        return queue.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** Reports dropped because the buffer was full, since the state directory was created. */
    public synchronized long dropped() {
        return dropped;
    }
}
