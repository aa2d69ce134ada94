package io.sluice.common.protocol;

/**
 * {@code access.admit}: a worker asks the master to count one publisher or player against its
 * app's limits (only apps that set one are asked), and {@code access.leave} gives the ticket back.
 *
 * @param ticket unique within the worker; the same ticket is given back when the session ends
 * @param kind   {@code publish} or {@code play}
 * @param app    the app
 * @param name   the stream name (after a hook's rename)
 * @param addr   the client's address, for {@code max_publishers_per_ip}
 */
public record AdmitOrder(String ticket, String kind, String app, String name, String addr) {

    public AdmitOrder {
        if (ticket == null || ticket.isEmpty()) {
            throw new IllegalArgumentException("an admission needs a ticket");
        }
        if (!"publish".equals(kind) && !"play".equals(kind)) {
            throw new IllegalArgumentException("kind must be publish or play: " + kind);
        }
        if (app == null || app.isEmpty() || name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an admission needs an app and a name");
        }
        addr = addr == null ? "" : addr;
    }
}
