package io.scalemanager.agent.ship;

import java.time.Duration;
import java.util.Optional;

/** What became of one request to the collectors. */
public sealed interface Outcome {
    /** 202: every state is stored. */
    record Accepted() implements Outcome {
    }

    /** 400 or 413: it can never succeed as it is (a batch of several reports is retried one by one). */
    record Rejected(int status, String body) implements Outcome {
    }

    /**
     * 429, 503, 401, a network error...: try again later, no earlier than retryAfter when the collector said so;
     * tryNext when another collector may do better now (it is down or its storage is).
     */
    record Retry(String reason, Optional<Duration> retryAfter, boolean tryNext) implements Outcome {
    }
}
