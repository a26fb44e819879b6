package io.scalemanager.instanceapi.operation;

import io.scalemanager.core.operation.OperationStatus;
import io.scalemanager.core.operation.ResizeResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.sizing.Bounds;
import io.scalemanager.core.sizing.Change;
import io.scalemanager.core.sizing.Component;
import io.scalemanager.core.sizing.Limits;
import io.scalemanager.core.sizing.RestartPolicy;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.sizing.Size;
import io.scalemanager.core.web.FieldError;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.instanceapi.provider.Provider;
import io.scalemanager.core.secret.Secrets;
import io.scalemanager.instanceapi.provider.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Accepts resize requests, keeps at most one operation pending or running per instance, and carries operations
 * out through the {@link Provider} on its own threads, persisting every step in the {@link OperationStore}.
 * Call {@link #start()} once to resume operations a crash left unfinished, and {@link #close()} on shutdown.
 */
public final class OperationService implements AutoCloseable {
    /** Most characters of a provider\'s output kept in an operation\'s error or note. */
    static final int MAX_SHOWN = 1900; // with the cut marker, within what the operation table keeps
    private static final Logger log = LoggerFactory.getLogger(OperationService.class);
    private static final int LOCK_STRIPES = 64;
    private static final int MAX_KEY_CHARS = 255;

    private final OperationStore store;
    private final Provider provider;
    private final Supplier<Limits> limits;
    private final Clock clock;
    private final OperationSettings settings;
    private final ExecutorService executor;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final Map<String, CompletableFuture<Operation>> inFlight = new ConcurrentHashMap<>();
    private final Counter succeeded;
    private final Counter failed;
    private final Timer providerSucceeded;
    private final Timer providerFailed;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile OperationListener listener = OperationListener.NONE;

    /**
     * @param limits bounds per instance pattern, asked on every request so a reloaded rules file applies at once
     */
    public OperationService(OperationStore store, Provider provider, Supplier<Limits> limits, Clock clock,
                            MeterRegistry registry, OperationSettings settings) {
        this.store = store;
        this.provider = provider;
        this.limits = limits;
        this.clock = clock;
        this.settings = settings;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        AtomicInteger threadNo = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "operation-" + threadNo.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.succeeded = counter(registry, OperationStatus.SUCCEEDED);
        this.failed = counter(registry, OperationStatus.FAILED);
        this.providerSucceeded = providerTimer(registry, OperationStatus.SUCCEEDED);
        this.providerFailed = providerTimer(registry, OperationStatus.FAILED);
    }

    private static Timer providerTimer(MeterRegistry registry, OperationStatus status) {
        return Timer.builder("scalemanager_provider_resize")
                .description("Time a provider took to carry out a resize, by outcome")
                .tag("status", status.wireName())
                .register(registry);
    }

    /** Who is told of new operations and their ends; set before {@link #start()}. */
    public OperationService listener(OperationListener listener) {
        this.listener = listener;
        return this;
    }

    private void tell(java.util.function.Consumer<OperationListener> call, Operation op) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            log.warn("Could not record operation {} on '{}' beyond the operations: {}", op.id(), op.instance(),
                    e.getMessage());
        }
    }

    private static Counter counter(MeterRegistry registry, OperationStatus status) {
        return Counter.builder("scalemanager.operations")
                .description("Resize operations by final status")
                .tag("status", status.wireName())
                .register(registry);
    }

    /**
     * Resumes every operation left pending or running, by a crash or by a {@link #close()} that ran out of grace.
     * Re-applying one is safe because an operation sets an absolute size.
     */
    public OperationService start() {
        if (!started.compareAndSet(false, true)) {
            return this;
        }
        List<Operation> unfinished = store.findUnfinished();
        if (!unfinished.isEmpty()) {
            log.info("Resuming {} unfinished operation(s)", unfinished.size());
        }
        for (Operation op : unfinished) {
            schedule(op);
        }
        return this;
    }

    /**
     * Accepts a resize and returns its operation, usually still pending. A change that leaves the size as it is
     * is answered as succeeded at once, without asking the provider to do anything.
     * <p>
     * An idempotency key seen before returns that key's operation (with its status now) when the instance and
     * change are the same, and is refused with 422 otherwise. Requests refused with an error do not keep their
     * key, so they can be retried with it.
     *
     * @param requester who asked (token name and client address): logged with the accepted operation and handed to
     *                  the listener, which records it with direct resizes
     * @throws DomainException invalid for an invalid request or one crossing the instance's limits, 404 for an instance
     *                      the provider does not know, a conflict while another operation is pending or running on it,
     *                      unavailable when the provider cannot be asked
     */
    public Operation submit(String instance, ResizeRequest request, Optional<String> idempotencyKey,
                            Requester requester) {
        if (!Identifier.INSTANCE.isValid(instance)) {
            throw new DomainException.Invalid("invalid instance id '" + instance + "'",
                    List.of(FieldError.of("instance", "must be 1-255 characters of A-Z a-z 0-9 . _ : / @ -")));
        }
        Change change = request.toChange();
        RestartPolicy restart = request.restartPolicy();
        idempotencyKey.ifPresent(OperationService::requireValidKey);
        ReentrantLock lock = locks[Math.floorMod(instance.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            Optional<Operation> earlier = idempotencyKey.flatMap(store::findByIdempotencyKey);
            if (earlier.isPresent()) {
                return replay(earlier.get(), instance, change);
            }
            Size current = currentSize(instance);
            Optional<Operation> active = store.findActive(instance);
            if (active.isPresent()) {
                throw busy(instance, active.get());
            }
            long from = current.get(change.component());
            long to = change.target(current);
            requireWithinLimits(instance, change.component(), to);
            long now = clock.millis();
            Operation op = new Operation(UUID.randomUUID().toString(), instance, change.component(), change.mode(),
                    change.value(), from, to, OperationStatus.PENDING, null, idempotencyKey.orElse(null), now,
                    null, null, restart);
            if (from == to) {
                op = op.ended(now, new ResizeResult.Applied(null));
            }
            switch (store.insert(op)) {
                case INSERTED -> { }
                case INSTANCE_BUSY -> throw busy(instance, store.findActive(instance).orElse(null));
                case KEY_TAKEN -> {
                    // The same key arrived for another instance at the same moment, and won.
                    return replay(store.findByIdempotencyKey(op.idempotencyKey()).orElseThrow(), instance, change);
                }
            }
            Operation stored = op;
            log.info("Operation {} accepted: {} on '{}' ({} → {}), asked by {}{}", op.id(), change.describe(),
                    instance, from, to, requester, idempotencyKey.map(k -> ", key " + k).orElse(""));
            tell(l -> l.accepted(stored, requester), op);
            if (op.status() == OperationStatus.SUCCEEDED) {
                succeeded.increment();
                tell(l -> l.finished(stored), op);
            } else {
                schedule(op);
            }
            return op;
        } finally {
            lock.unlock();
        }
    }

    /** Operations newest first, filtered by instance and status when given. */
    public List<Operation> list(Optional<String> instance, Optional<OperationStatus> status, int limit) {
        return store.list(instance, status, limit);
    }

    public Optional<Operation> find(String id) {
        return store.find(id);
    }

    /**
     * Completes with the operation once it has succeeded or failed. Only operations of this process are watched:
     * an unfinished operation run elsewhere gives a future that does not complete.
     */
    public CompletableFuture<Operation> whenFinished(String id) {
        // Look in memory before the database: an operation leaves inFlight only after its end is stored.
        CompletableFuture<Operation> running = inFlight.get(id);
        if (running != null) {
            return running.copy();
        }
        Optional<Operation> op = store.find(id);
        if (op.isEmpty()) {
            return CompletableFuture.failedFuture(new DomainException.NotFound("unknown operation '" + id + "'"));
        }
        return op.get().status().isFinished() ? CompletableFuture.completedFuture(op.get()) : new CompletableFuture<>();
    }

    private Size currentSize(String instance) {
        try {
            return provider.currentSize(instance)
                    .orElseThrow(() -> new DomainException.NotFound("unknown instance '" + instance + "'"));
        } catch (ProviderException e) {
            throw new DomainException.Unavailable("cannot read the size of '" + instance + "' now: "
                    + Secrets.redact(e.getMessage(), MAX_SHOWN));
        }
    }

    private static void requireValidKey(String key) {
        if (key.isBlank() || key.length() > MAX_KEY_CHARS) {
            throw new DomainException.Invalid("invalid Idempotency-Key: use 1-255 characters",
                    List.of(FieldError.of("Idempotency-Key", "must be 1-255 characters")));
        }
    }

    private static Operation replay(Operation earlier, String instance, Change change) {
        if (!earlier.isFor(instance, change)) {
            throw new DomainException.Invalid("Idempotency-Key '" + earlier.idempotencyKey() + "' was already used for "
                    + "another request (" + earlier.change().describe() + " on '" + earlier.instance()
                    + "'); use a new key for a different request",
                    List.of(FieldError.of("Idempotency-Key", "already used for another request")));
        }
        return earlier;
    }

    private static DomainException busy(String instance, Operation active) {
        String which = active == null ? "another operation" : "operation " + active.id() + " ("
                + active.change().describe() + ", " + active.status() + ")";
        return new DomainException.Conflict(which + " is in progress on instance '" + instance
                + "'; retry once it has finished");
    }

    private void requireWithinLimits(String instance, Component component, long target) {
        Limits current = limits.get();
        Bounds bounds = current.boundsFor(instance, component);
        if (bounds.contains(target)) {
            return;
        }
        boolean above = target > bounds.max();
        String bound = (above ? "maximum " + bounds.max() : "minimum " + bounds.min()) + " " + component.unit();
        String source = patternOf(current, instance, component)
                .map(p -> "the limits for '" + p.text() + "'")
                .orElse("the default bounds (no limits entry names " + component + "; add one under limits: in "
                        + "the rules file to change them)");
        String message = component + " would become " + target + " " + component.unit() + ", "
                + (above ? "above the " : "below the ") + bound + " set by " + source;
        throw new DomainException.Invalid("out of bounds: " + message, List.of(FieldError.of("value", message)));
    }

    private static Optional<InstancePattern> patternOf(Limits limits, String instance, Component component) {
        for (Limits.Entry entry : limits.entries()) {
            if (entry.bounds().containsKey(component) && entry.pattern().matches(instance)) {
                return Optional.of(entry.pattern());
            }
        }
        return Optional.empty();
    }

    private void schedule(Operation op) {
        CompletableFuture<Operation> done = new CompletableFuture<>();
        inFlight.put(op.id(), done);
        try {
            executor.execute(() -> run(op, done));
        } catch (RejectedExecutionException e) {
            // Shutting down: the operation stays pending in the database and is resumed on the next start.
            inFlight.remove(op.id());
            done.completeExceptionally(new DomainException.Unavailable("shutting down; operation " + op.id()
                    + " runs after the next start"));
        }
    }

    private void run(Operation op, CompletableFuture<Operation> done) {
        try {
            Operation running = op.running(clock.millis());
            store.update(running);
            Operation outcome;
            long started = System.nanoTime();
            try {
                ResizeResult.Made how = provider.resize(op.instance(), op.component(), op.to(), op.restart());
                providerSucceeded.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                outcome = running.ended(clock.millis(), how.withNote(Secrets.redact(how.note(), MAX_SHOWN)));
            } catch (RuntimeException e) {
                providerFailed.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                if (Thread.currentThread().isInterrupted()) {
                    log.info("Operation {} on '{}' interrupted by shutdown; it resumes on the next start",
                            op.id(), op.instance());
                    done.completeExceptionally(new DomainException.Unavailable("shutting down; operation " + op.id()
                            + " resumes after the next start"));
                    return;
                }
                // A provider's words reach operations, actions and alerts: cut, and without any secret we know.
                String why = Secrets.redact(e instanceof ProviderException ? e.getMessage() : "provider error: " + e,
                        MAX_SHOWN);
                outcome = running.ended(clock.millis(), new ResizeResult.Failed(why));
            }
            store.update(outcome);
            (outcome.status() == OperationStatus.SUCCEEDED ? succeeded : failed).increment();
            Operation ended = outcome;
            tell(l -> l.finished(ended), outcome);
            log.info("Operation {} {}: {} on '{}'{}{}", op.id(), outcome.status(), op.change().describe(),
                    op.instance(), outcome.error() == null ? "" : ": " + outcome.error(),
                    outcome.note() == null ? "" : " (" + outcome.note() + ")");
            done.complete(outcome);
        } catch (RuntimeException e) {
            // Most likely the database is away; the stored status is unchanged, so a restart resumes it.
            log.error("Operation {} on '{}' could not be recorded", op.id(), op.instance(), e);
            done.completeExceptionally(e);
        } finally {
            inFlight.remove(op.id());
        }
    }

    /** Lets running resizes finish within the grace period; those that do not stay running and resume later. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("Some resizes did not stop within 5s of being interrupted");
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (CompletableFuture<Operation> waiting : inFlight.values()) {
            waiting.completeExceptionally(new DomainException.Unavailable("shutting down"));
        }
    }
}
