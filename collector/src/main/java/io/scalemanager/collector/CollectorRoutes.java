package io.scalemanager.collector;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.scalemanager.core.state.State;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.problem.DomainException;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.DomainErrors;
import io.scalemanager.core.web.ApiServer;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import org.eclipse.jetty.http.HttpException;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The collector API (CONTRACT.md, "Collector API"): agents post states, which are validated whole, rate limited
 * per instance and handed to the {@link StateSink}; {@code 202} means they are durably stored.
 */
public final class CollectorRoutes implements Routes {
    /** The paths agents post to. */
    public static final String BATCH_PATH = "/v1/states";
    public static final String SINGLE_PATH = "/v1/state";
    /** Seconds an agent should wait after a 503 before it retries. */
    static final String UNAVAILABLE_RETRY_AFTER = "1";

    private final StateSink sink;
    private final StateReader reader;
    private final InstanceRateLimiter limiter;
    private final KnownInstances known;
    private final CollectorMetrics metrics;
    private long maxRequestBytes = Long.MAX_VALUE;

    public CollectorRoutes(StateSink sink, CollectorSettings settings, Clock clock, MeterRegistry registry) {
        this(sink, settings, clock, registry, message -> { });
    }

    /** @param onInstanceLimit told once when collector.max_instances starts refusing new instances */
    public CollectorRoutes(StateSink sink, CollectorSettings settings, Clock clock, MeterRegistry registry,
                           java.util.function.Consumer<String> onInstanceLimit) {
        this.sink = sink;
        this.known = new KnownInstances(settings.maxInstances(), settings.forgetAfter(), clock, onInstanceLimit);
        this.reader = new StateReader(settings, clock);
        this.limiter = new InstanceRateLimiter(settings.ratePerInstance(), settings.burstPerInstance(), clock);
        this.metrics = new CollectorMetrics(registry);
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        // The server's limit, which Jetty enforces on every body as it streams in, chunked or not.
        maxRequestBytes = http.maxRequestBytes();
        routes.post(BATCH_PATH, ctx -> accept(ctx, reader::readBatch));
        routes.post(SINGLE_PATH, ctx -> accept(ctx, reader::readOne));
    }

    private interface BodyReader {
        List<State> read(InputStream body) throws IOException;
    }

    private void accept(Context ctx, BodyReader bodyReader) {
        try {
            List<State> states = read(ctx, bodyReader);
            requireIngestScope(ctx, states);
            limit(ctx, states);
            admitInstances(states);
            store(ctx, states);
            metrics.accepted(states.size());
            ctx.status(202).json(new Accepted(states.size()));
        } catch (ApiException e) {
            metrics.rejected(e.status());
            throw e;
        } catch (DomainException e) {
            metrics.rejected(DomainErrors.status(e));
            throw e;
        }
    }

    private List<State> read(Context ctx, BodyReader bodyReader) {
        requireJson(ctx);
        long length = ctx.req().getContentLengthLong();
        if (length > maxRequestBytes) {
            throw tooLarge();
        }
        try (InputStream body = ctx.req().getInputStream()) {
            return bodyReader.read(body);
        } catch (IOException | RuntimeException e) {
            if (statusOf(e) == 413) {
                throw tooLarge();
            }
            if (e instanceof RuntimeException unexpected) {
                throw unexpected;
            }
            throw new DomainException.Malformed("could not read the request body: " + e.getMessage());
        }
    }

    private void limit(Context ctx, List<State> states) {
        Optional<InstanceRateLimiter.Rejection> rejection = limiter.tryAcquire(states);
        if (rejection.isPresent()) {
            InstanceRateLimiter.Rejection r = rejection.get();
            ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
            String why = r.requested() > r.burst()
                    ? "; at most " + r.burst() + " states of one instance fit in one request"
                    : "; " + r.available() + " may be sent now, retry after " + r.retryAfterSeconds() + "s";
            throw new ApiException(429, "rate limit of instance '" + r.instance() + "' exceeded: "
                    + r.requested() + " states" + why);
        }
    }

    /** An ingest token reports for the instances its glob matches only; one other refuses the whole request. */
    private static void requireIngestScope(Context ctx, List<State> states) {
        Optional<Caller> caller = ApiServer.caller(ctx);
        if (caller.isEmpty()) {
            return;
        }
        for (int i = 0; i < states.size(); i++) {
            String instance = states.get(i).instance();
            if (!caller.get().mayIngest(instance)) {
                throw new ApiException(403, "token '" + caller.get().name() + "' may not report for instance '"
                        + instance + "' (its instances: " + caller.get().instances().text() + "); nothing stored");
            }
        }
    }

    private void admitInstances(List<State> states) {
        Optional<KnownInstances.Refusal> refusal = known.admit(states);
        if (refusal.isPresent()) {
            throw new ApiException(429, "too many instances: the collector already knows "
                    + "collector.max_instances = " + refusal.get().limit() + "; new instance '"
                    + refusal.get().instance() + "' refused (instances silent for manager.forget_after are forgotten)");
        }
    }

    private void store(Context ctx, List<State> states) {
        try {
            sink.store(states);
        } catch (StoreUnavailableException e) {
            ctx.header("Retry-After", UNAVAILABLE_RETRY_AFTER);
            throw new DomainException.Unavailable("states not stored, retry later: " + e.getMessage());
        }
    }

    /** JSON, or anything declared {@code +json}; no Content-Type at all is taken as JSON, as old agents send. */
    private static void requireJson(Context ctx) {
        String contentType = ctx.req().getContentType();
        if (contentType != null && !contentType.isBlank() && !isJson(contentType)) {
            throw new ApiException(415, "unsupported media type '" + contentType.strip()
                    + "'; send Content-Type: application/json");
        }
        String encoding = ctx.header("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            throw new ApiException(415, "unsupported content encoding '" + encoding.strip()
                    + "'; send the body uncompressed");
        }
    }

    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        String mediaType = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip().toLowerCase(Locale.ROOT);
        return mediaType.equals("application/json")
                || (mediaType.endsWith("+json") && mediaType.indexOf('/') > 0);
    }

    /** The HTTP status Jetty failed the body's read with (413 past the size limit), or 0. */
    private static int statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpException http) {
                return http.getCode();
            }
        }
        return 0;
    }

    private ApiException tooLarge() {
        return new ApiException(413, "request body too large: the limit is " + maxRequestBytes + " bytes");
    }

    /** Answer of an accepted report: how many states were stored. */
    record Accepted(int accepted) {
    }
}
