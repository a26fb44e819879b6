package io.scalemanager.manager.alert;

import io.scalemanager.manager.alert.channel.DeliveryException;
import io.scalemanager.manager.alert.channel.Notification;
import io.scalemanager.manager.alert.channel.Notifier;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel that keeps what it is sent, for tests of what is sent when. */
final class RecordingNotifier implements Notifier {
    private final String name;
    final List<Notification> sent = new CopyOnWriteArrayList<>();

    RecordingNotifier(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notification notification) throws DeliveryException {
        sent.add(notification);
    }

    /** Every alert line sent, in order. */
    List<String> lines() {
        return sent.stream().flatMap(n -> n.items().stream()).map(Notification.Item::line).toList();
    }
}
