package io.scalemanager.core.operation;

/**
 * How a resize ended: applied, stored for the instance's next restart, or failed, each with its words for people.
 * A provider answers with a {@link Made} (it throws when it made no change); the instance API keeps the result with
 * the operation and reports it ({@code status}, {@code needs_restart}, {@code note}, {@code error}); the manager
 * reads it back from there and acts on the kind, never on the words. In core because both sides use it.
 */
public sealed interface ResizeResult permits ResizeResult.Made, ResizeResult.Failed {

    /** A change the provider made; {@code note} says how ("live"), or is null when there is nothing to add. */
    sealed interface Made extends ResizeResult permits Applied, NeedsRestart {
        String note();

        /** The same result with other words (a provider's, cut and without secrets). */
        Made withNote(String note);
    }

    /** The change is made: live, or in the config of an instance that is not running (it starts with it). */
    record Applied(String note) implements Made {
        @Override
        public Made withNote(String other) {
            return new Applied(other);
        }
    }

    /**
     * The change is stored but takes effect at the instance's next restart: the manager keeps the component's lock
     * until the VM shows the size. The note begins with {@link #NOTE_PREFIX}, as people have read it so far.
     */
    record NeedsRestart(String note) implements Made {
        /** How the note of such a change begins. */
        public static final String NOTE_PREFIX = "config only, needs a restart";

        /** A change stored for the next restart, and why ({@code detail}). */
        public static NeedsRestart because(String detail) {
            return new NeedsRestart(NOTE_PREFIX + ": " + detail);
        }

        @Override
        public Made withNote(String other) {
            return new NeedsRestart(other);
        }
    }

    /** The change was not made, or not known to be; {@code error} says why. */
    record Failed(String error) implements ResizeResult {
    }

    /** The result of an operation that ended as {@code status} with these words, as stored or reported. */
    static ResizeResult of(OperationStatus status, boolean needsRestart, String note, String error) {
        return switch (status) {
            case SUCCEEDED -> needsRestart ? new NeedsRestart(note) : new Applied(note);
            case FAILED -> new Failed(error);
            case PENDING, RUNNING -> throw new IllegalArgumentException("an operation that is " + status.wireName()
                    + " has no result yet");
        };
    }
}
