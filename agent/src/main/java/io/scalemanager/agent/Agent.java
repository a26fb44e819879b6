package io.scalemanager.agent;

import io.scalemanager.agent.buffer.DiskBuffer;
import io.scalemanager.agent.config.AgentConfig;
import io.scalemanager.agent.sample.Sampler;
import io.scalemanager.agent.ship.Collectors;
import io.scalemanager.agent.ship.Outcome;
import io.scalemanager.agent.ship.StateJson;
import io.scalemanager.agent.ship.Tls;
import io.scalemanager.retry.Backoff;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running agent: one thread takes a report every interval and appends it to the disk buffer; another ships
 * the buffer's oldest reports to the collectors, in order, retrying with backoff until one stores them.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());
    /** Agents that lost the same collector spread their retries, so they do not come back in step. */
    private static final DoubleSupplier JITTER = () -> ThreadLocalRandom.current().nextDouble();
    /** Draining after an outage: many reports per request, far below the collector's 10,000 states and 8 MiB. */
    static final int MAX_REPORTS_PER_REQUEST = 200;
    static final long MAX_CHARS_PER_REQUEST = 2 << 20;
    public static final String DROPPED_TYPE = "agent_dropped_reports";
    /** Faults in a row (with backoff up to backoff_max between them) before the process gives up and exits. */
    static final int MAX_LOOP_FAILURES = 50;

    private final AgentConfig config;
    private final Sampler sampler;
    private final Clock clock;
    private final DiskBuffer buffer;
    private final Collectors collectors;
    private final Backoff backoff;
    private final ScheduledExecutorService sampling;
    private final Thread shipping;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong shippingFaults = new AtomicLong();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean running = true;
    private final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    private final int maxLoopFailures;
    /** Only the shipping thread touches it. */
    private int faultsInARow;

    public Agent(AgentConfig config, Sampler sampler, Clock clock) throws IOException {
        this(config, sampler, clock, MAX_LOOP_FAILURES);
    }

    Agent(AgentConfig config, Sampler sampler, Clock clock, int maxLoopFailures) throws IOException {
        this.maxLoopFailures = maxLoopFailures;
        this.config = config;
        this.sampler = sampler;
        this.clock = clock;
        this.buffer = new DiskBuffer(config.stateDir(), config.bufferMaxBytes());
        this.collectors = new Collectors(config.collectors(), config.token(),
                config.caFile().isPresent() || config.tlsCert().isPresent()
                        ? Optional.of(Tls.context(config.caFile(), config.tlsCert(), config.tlsKey()))
                        : Optional.empty(),
                config.timeout());
        this.backoff = new Backoff(Duration.ofSeconds(1).compareTo(config.interval()) < 0
                ? Duration.ofSeconds(1) : config.interval(), config.backoffMax());
        this.sampling = Executors.newSingleThreadScheduledExecutor(daemon("scalemanager-agent-sample"));
        this.shipping = daemon("scalemanager-agent-ship").newThread(this::shipLoop);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(null, r, name, 256 << 10);
            t.setDaemon(true);
            return t;
        };
    }

    public Agent start() {
        if (buffer.size() > 0) {
            LOG.info(buffer.size() + " buffered report(s) to send first");
        }
        long period = config.interval().toMillis();
        sampling.scheduleAtFixedRate(this::takeReport, period, period, TimeUnit.MILLISECONDS);
        shipping.start();
        LOG.info("instance " + config.instance() + ", every " + period + "ms to " + config.collectors());
        return this;
    }

    void takeReport() {
        try {
            Map<String, Double> values = sampler.sample();
            long dropped = buffer.dropped();
            if (dropped > 0) {
                values.put(DROPPED_TYPE, (double) dropped);
            }
            if (!values.isEmpty()) {
                buffer.append(StateJson.states(config.instance(), clock.millis(), values));
                taken.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot buffer a report: " + e);
        } catch (Throwable t) {
            // The scheduler would silently never run this again.
            fail(t);
            throw t;
        }
    }

    private void shipLoop() {
        try {
            while (running) {
                try {
                    shipUntilStopped();
                    return;
                } catch (IOException | RuntimeException e) {
                    // A disk or buffer fault: log it and go on; the reports stay buffered until it clears.
                    int failures = ++faultsInARow;
                    shippingFaults.incrementAndGet();
                    if (failures >= maxLoopFailures) {
                        fail(new IllegalStateException("shipping failed " + failures + " times in a row, last: " + e,
                                e));
                        return;
                    }
                    Duration wait = backoff.jittered(failures - 1, JITTER);
                    LOG.log(Level.WARNING, "shipping failed (" + failures + " in a row), retry in " + wait.toMillis()
                            + "ms: " + e, e);
                    buffer.release();
                    stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Ships until stopped; throws on a fault, after which shipLoop retries (or gives up after too many). */
    private void shipUntilStopped() throws IOException, InterruptedException {
        int attempt = 0;
        int oneByOne = 0;
        while (running) {
            List<DiskBuffer.Report> batch = buffer.peek(oneByOne > 0 ? 1 : MAX_REPORTS_PER_REQUEST,
                    MAX_CHARS_PER_REQUEST);
            if (batch.isEmpty()) {
                buffer.awaitReport(1000);
                continue;
            }
            StringBuilder body = new StringBuilder("[");
            for (DiskBuffer.Report r : batch) {
                body.append(body.length() > 1 ? "," : "").append(r.states());
            }
            Outcome outcome = collectors.send(body.append(']').toString());
            if (outcome instanceof Outcome.Accepted) {
                buffer.remove(batch);
                faultsInARow = 0;
                oneByOne = Math.max(0, oneByOne - batch.size());
                if (attempt > 0) {
                    LOG.info("collector answers again; " + buffer.size() + " report(s) still buffered");
                }
                attempt = 0;
            } else if (outcome instanceof Outcome.Rejected rejected) {
                if (batch.size() > 1) {
                    buffer.release();
                    oneByOne = batch.size(); // find the bad report; the others can still be stored
                } else {
                    LOG.warning("dropped a report the collector refused (" + rejected.status() + "): "
                            + rejected.body());
                    buffer.remove(batch);
                    oneByOne = Math.max(0, oneByOne - 1);
                }
            } else if (outcome instanceof Outcome.Retry retry) {
                buffer.release();
                Duration wait = backoff.jittered(attempt, JITTER);
                if (retry.retryAfter().isPresent() && retry.retryAfter().get().compareTo(wait) > 0) {
                    wait = retry.retryAfter().get();
                }
                if (attempt == 0 || attempt % 10 == 0) {
                    LOG.warning(retry.reason() + "; " + buffer.size() + " report(s) buffered, retry in "
                            + wait.toMillis() + "ms");
                }
                attempt++;
                stopping.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void fail(Throwable t) {
        LOG.log(Level.SEVERE, "the agent cannot go on: " + t, t);
        failure.complete(t);
    }

    /**
     * Completes when sampling or shipping cannot go on (an Error, or shipping failing over and over); the process
     * then exits non-zero so that its supervisor (systemd's Restart=always) starts it afresh.
     */
    public CompletableFuture<Throwable> failure() {
        return failure;
    }

    /** Faults the shipping loop survived or gave up on, in this run. */
    long shippingFaults() {
        return shippingFaults.get();
    }

    /** Reports taken by this run of the agent. */
    public long reportsTaken() {
        return taken.get();
    }

    public DiskBuffer buffer() {
        return buffer;
    }

    /** Stops sampling and shipping; what is not shipped stays in the buffer for the next start. */
    @Override
    public void close() {
        // No interrupts while work is in flight: a report half-written, or a batch the collector stored but the
        // buffer not yet forgot, would be lost or sent twice.
        running = false;
        stopping.countDown();
        sampling.shutdown();
        buffer.wake();
        try {
            sampling.awaitTermination(config.timeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
            shipping.join(2 * config.timeout().toMillis() + 5000);
            if (shipping.isAlive()) {
                shipping.interrupt();
                shipping.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
