package io.scalemanager.instanceapi.operation;

/**
 * Told about every new operation and its end, so the wiring can record direct resizes where people look for
 * resizes (the ActionLog). Called on the request's and the operation's threads; a failure here is logged and
 * does not affect the operation.
 */
public interface OperationListener {
    OperationListener NONE = new OperationListener() {
        @Override
        public void accepted(Operation op, Requester requester) {
        }

        @Override
        public void finished(Operation op) {
        }
    };

    /**
     * A new operation is stored (not a replay of an Idempotency-Key); it may already be finished.
     *
     * @param requester who asked for it, and from where
     */
    void accepted(Operation op, Requester requester);

    /** The operation succeeded or failed. */
    void finished(Operation op);
}
