package io.scalemanager.history.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.state.Identifier;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.QueryParams;
import io.scalemanager.core.web.Routes;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.core.condition.ConditionStats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The History API: samples over a window, and whether a condition held over it. What one request may read is
 * bounded ({@link HistoryLimits}): beyond it the answer is 400 naming the parameter.
 */
public final class HistoryRoutes implements Routes {
    private static final long DEFAULT_SPAN_MS = 3_600_000;
    private static final int DEFAULT_LIMIT = 1000;

    private final EventLog eventLog;
    private final Clock clock;
    private final HistoryLimits limits;

    public HistoryRoutes(EventLog eventLog, Clock clock) {
        this(eventLog, clock, HistoryLimits.DEFAULTS);
    }

    public HistoryRoutes(EventLog eventLog, Clock clock, HistoryLimits limits) {
        this.eventLog = eventLog;
        this.clock = clock;
        this.limits = limits;
    }

    @Override
    public void addTo(RoutesConfig routes, HttpSettings http) {
        routes.get("/v1/history", this::samples);
        routes.get("/v1/history/query", this::query);
    }

    private void samples(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        String instance = params.identifier("instance", Identifier.INSTANCE);
        String type = params.identifier("type", Identifier.TYPE);
        Window window = window(params);
        int limit = (int) params.wholeLong("limit", Math.min(DEFAULT_LIMIT, limits.maxSamples()), 1,
                limits.maxSamples(), " (history.max_samples)");
        // One more than asked tells whether the answer was cut.
        List<Sample> samples = eventLog.samples(instance, type, window.fromMs, window.toMs, limit + 1);
        List<SampleView> body = new ArrayList<>(Math.min(samples.size(), limit));
        for (int i = 0; i < samples.size() && i < limit; i++) {
            Sample s = samples.get(i);
            body.add(new SampleView(EpochSeconds.fromMillis(s.timestampMs()), s.value()));
        }
        ctx.json(new Samples(body, samples.size() > limit));
    }

    private void query(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        String instance = params.identifier("instance", Identifier.INSTANCE);
        String type = params.identifier("type", Identifier.TYPE);
        Operator op = params.choice("op", Operator::parse, "one of > >= < <= == !=")
                .orElseThrow(() -> QueryParams.invalid("op", "is required"));
        double threshold = params.finite("value");
        Window window = window(params);
        ConditionStats stats = eventLog.query(instance, type, op, threshold, window.fromMs, window.toMs,
                limits.maxQueryRows());
        if (stats.count() > limits.maxQueryRows()) {
            throw QueryParams.invalid("from", "the range holds more than " + limits.maxQueryRows()
                    + " samples, more than one query reads (history.max_query_rows); ask for a later 'from' or an "
                    + "earlier 'to'");
        }
        ctx.json(new QueryAnswer(stats.held(), stats.matched(), stats.unmatched(), stats.count(),
                finiteOrNull(stats.avg()), finiteOrNull(stats.min()), finiteOrNull(stats.max())));
    }

    private Window window(QueryParams params) {
        long to = params.epochMillis("to").orElse(clock.millis());
        long from = params.epochMillis("from").orElse(to - DEFAULT_SPAN_MS);
        if (from > to) {
            throw QueryParams.invalid("from", "must not be after 'to'");
        }
        return new Window(from, to);
    }

    /**
     * Rounded to 12 significant digits: a sum of binary fractions shows as 95.15400000000002 otherwise, while
     * reported values carry far fewer digits than that. Not finite (no samples): null.
     */
    static Double finiteOrNull(double v) {
        if (!Double.isFinite(v)) {
            return null;
        }
        return v == 0 ? 0.0 : new java.math.BigDecimal(v).round(new java.math.MathContext(12)).doubleValue();
    }

    private record Window(long fromMs, long toMs) {
    }

    /** Answer of {@code GET /v1/history}. */
    record Samples(List<SampleView> samples, boolean truncated) {
    }

    /** One sample; the time in epoch seconds. */
    record SampleView(Number timestamp, double value) {
    }

    /** Answer of {@code GET /v1/history/query}: whether the condition held, with the window's figures. */
    record QueryAnswer(boolean held, long matched, long unmatched, long count, Double avg, Double min, Double max) {
    }
}
