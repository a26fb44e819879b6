package io.scalemanager.instanceapi.operation;

/**
 * Who asked for an operation: the name of the caller's token (or its certificate's CN) and the client's address,
 * so the ActionLog and the log lines say who resized what from where.
 *
 * @param who    the token's name, e.g. {@code admin} or {@code oncall}
 * @param client the remote address the request came from
 */
public record Requester(String who, String client) {
    /** An operation resumed after a restart: the request that asked for it is gone. */
    public static final Requester RESUMED = new Requester("unknown (resumed)", "-");

    @Override
    public String toString() {
        return who + " from " + client;
    }
}
