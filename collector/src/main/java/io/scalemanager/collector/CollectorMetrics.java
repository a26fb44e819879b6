package io.scalemanager.collector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts accepted states and rejected requests by reason. Every reason is registered up front, so it shows 0. */
final class CollectorMetrics {
    private final Counter accepted;
    private final Counter invalid;
    private final Counter tooLarge;
    private final Counter rateLimited;
    private final Counter unavailable;
    private final Counter unsupportedMediaType;

    CollectorMetrics(MeterRegistry registry) {
        accepted = Counter.builder("scalemanager_collector_states_accepted")
                .description("States durably stored and acknowledged with 202")
                .register(registry);
        invalid = rejected(registry, "invalid");
        tooLarge = rejected(registry, "too_large");
        rateLimited = rejected(registry, "rate_limited");
        unavailable = rejected(registry, "unavailable");
        unsupportedMediaType = rejected(registry, "unsupported_media_type");
    }

    private static Counter rejected(MeterRegistry registry, String reason) {
        return Counter.builder("scalemanager_collector_requests_rejected")
                .description("Requests to the collector answered with an error, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    void accepted(int states) {
        accepted.increment(states);
    }

    /** Counts a rejection by the status it is answered with; statuses that are not the collector's are ignored. */
    void rejected(int status) {
        switch (status) {
            case 400 -> invalid.increment();
            case 413 -> tooLarge.increment();
            case 415 -> unsupportedMediaType.increment();
            case 429 -> rateLimited.increment();
            case 503 -> unavailable.increment();
            default -> {
            }
        }
    }
}
