package io.scalemanager.agent.ship;

import java.time.Duration;
import java.util.Optional;

/** What became of one request to the collectors. */
public sealed interface Outcome {
    /** 202: every state is stored. */
    record Accepted() implements Outcome {
    }

    /** 400 (or 413 for one report): it can never succeed, so it is dropped. */
    record Rejected(int status, String body) implements Outcome {
    }

    /** 429, 503, 401, a network error...: try again later, no earlier than retryAfter when the collector said so. */
    record Retry(String reason, Optional<Duration> retryAfter) implements Outcome {
    }
}
