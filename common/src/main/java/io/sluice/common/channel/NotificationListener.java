package io.sluice.common.channel;

/**
 * Receives one event's notifications, registered with {@link ChannelPeer#onNotification}. Runs on
 * the channel's event loop: it must not block.
 *
 * @param <T> the notification data ({@code null} when the event has none or the sender sent none)
 */
@FunctionalInterface
public interface NotificationListener<T> {

    /**
     * @param data     the notification's data, read as the event's type
     * @param targetId the entity the notification is about, or {@code null}
     */
    void onNotification(T data, String targetId);
}
