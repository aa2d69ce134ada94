package io.sluice.worker.access;

import java.net.InetAddress;

/**
 * Who asks, as the hooks describe it (nginx-rtmp's fields). Strings a protocol does not have are
 * empty, never null.
 *
 * @param id       the connection id ({@code clientid})
 * @param address  the client's address, for rules; null when it has none (a Unix socket)
 * @param tcUrl    RTMP connect's tcUrl, or the URL an HTTP player asked for
 * @param pageUrl  RTMP connect's pageUrl, or an HTTP player's Referer
 * @param swfUrl   RTMP connect's swfUrl
 * @param flashVer RTMP connect's flashVer (empty for HTTP)
 */
public record Client(String id, InetAddress address, String tcUrl, String pageUrl, String swfUrl, String flashVer) {

    public Client {
        id = id == null ? "" : id;
        tcUrl = tcUrl == null ? "" : tcUrl;
        pageUrl = pageUrl == null ? "" : pageUrl;
        swfUrl = swfUrl == null ? "" : swfUrl;
        flashVer = flashVer == null ? "" : flashVer;
    }

    /** The address as the {@code addr} field writes it. */
    public String addr() {
        return address == null ? "" : address.getHostAddress();
    }
}
