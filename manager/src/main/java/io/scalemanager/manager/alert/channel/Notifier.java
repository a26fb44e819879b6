package io.scalemanager.manager.alert.channel;

/**
 * One channel that tells people about alerts: mail, a chat webhook, a generic webhook. The dispatcher hands it one
 * {@link Notification} at a time (a group of alerts) and retries, with backoff, when it throws.
 */
public interface Notifier {
    /** The channel's name in the alerts file; routes refer to it. */
    String name();

    /** Delivers the notification, or throws when the receiving end did not take it. */
    void send(Notification notification) throws DeliveryException;
}
