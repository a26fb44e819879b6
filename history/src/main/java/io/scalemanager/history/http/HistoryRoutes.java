package io.scalemanager.history.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.scalemanager.core.condition.Operator;
import io.scalemanager.core.time.EpochSeconds;
import io.scalemanager.core.web.ApiException;
import io.scalemanager.core.web.HttpSettings;
import io.scalemanager.core.web.Routes;
import io.scalemanager.history.EventLog;
import io.scalemanager.history.Sample;
import io.scalemanager.core.condition.ConditionStats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        String instance = params.instance();
        String type = params.type();
        Window window = window(params);
        int limit = params.limit(Math.min(DEFAULT_LIMIT, limits.maxSamples()), limits.maxSamples());
        // One more than asked tells whether the answer was cut.
        List<Sample> samples = eventLog.samples(instance, type, window.fromMs, window.toMs, limit + 1);
        List<Map<String, Object>> body = new ArrayList<>(Math.min(samples.size(), limit));
        for (int i = 0; i < samples.size() && i < limit; i++) {
            Sample s = samples.get(i);
            body.add(Map.of("timestamp", EpochSeconds.fromMillis(s.timestampMs()), "value", s.value()));
        }
        ctx.json(Map.of("samples", body, "truncated", samples.size() > limit));
    }

    private void query(Context ctx) {
        QueryParams params = new QueryParams(ctx);
        String instance = params.instance();
        String type = params.type();
        String opText = params.required("op");
        Operator op = Operator.parse(opText).orElseThrow(
                () -> ApiException.badRequest("op", "must be one of > >= < <= == !=, got '" + opText + "'"));
        double threshold = params.finite("value");
        Window window = window(params);
        ConditionStats stats = eventLog.query(instance, type, op, threshold, window.fromMs, window.toMs,
                limits.maxQueryRows());
        if (stats.count() > limits.maxQueryRows()) {
            throw ApiException.badRequest("from", "the range holds more than " + limits.maxQueryRows()
                    + " samples, more than one query reads (history.max_query_rows); ask for a later 'from' or an "
                    + "earlier 'to'");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("held", stats.held());
        body.put("matched", stats.matched());
        body.put("unmatched", stats.unmatched());
        body.put("count", stats.count());
        body.put("avg", finiteOrNull(stats.avg()));
        body.put("min", finiteOrNull(stats.min()));
        body.put("max", finiteOrNull(stats.max()));
        ctx.json(body);
    }

    private Window window(QueryParams params) {
        long to = params.epochMillis("to", clock.millis());
        long from = params.epochMillis("from", to - DEFAULT_SPAN_MS);
        if (from > to) {
            throw ApiException.badRequest("from", "must not be after 'to'");
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
}
