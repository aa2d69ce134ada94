package io.sluice.worker.rtmp.session;

import io.sluice.worker.access.Call;
import io.sluice.worker.access.Client;
import io.sluice.worker.access.QueryArgs;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.RtmpProtocolException;
import io.sluice.worker.rtmp.amf.Amf;
import io.sluice.worker.rtmp.amf.AmfUndefined;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.SetChunkSize;
import io.sluice.worker.rtmp.message.SetPeerBandwidth;
import io.sluice.worker.rtmp.message.WindowAckSize;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * NetConnection commands: connect, createStream, deleteStream, and the FMLE-era calls encoders
 * still send before publishing (releaseStream, FCPublish, FCUnpublish). Replies follow SRS and
 * nginx-rtmp, which every encoder and player is tested against.
 */
final class ConnectionCommands {

    private static final Logger log = LoggerFactory.getLogger(ConnectionCommands.class);

    /** Message streams one connection may have at once; players and encoders use one or two. */
    static final int MAX_NET_STREAMS = 16;

    /**
     * Keys of an Enhanced RTMP client's connect object that announce the codecs it can handle.
     * Sluice passes every codec through, so it answers with the same lists.
     */
    private static final String[] ENHANCED_RTMP_KEYS = {"fourCcList", "videoFourCcInfoMap", "audioFourCcInfoMap",
        "capsEx"};

    private final SessionHandler session;

    ConnectionCommands(SessionHandler session) {
        this.session = session;
    }

    /** Handles {@code command} if it belongs here; false otherwise. */
    boolean handle(CommandMessage command) {
        switch (command.name()) {
            case "connect" -> connect(command);
            case "createStream" -> createStream(command);
            case "deleteStream" -> deleteStream(command);
            case "releaseStream", "FCPublish", "_checkbw" ->
                    session.write(Status.result(command.transactionId(), null, AmfUndefined.INSTANCE));
            case "FCUnpublish" -> {
                session.write(CommandMessage.of(0, "onFCUnpublish", 0, null, Amf.object("code",
                        Status.UNPUBLISH_SUCCESS, "description", String.valueOf(command.stringArgument(0)))));
                session.write(Status.result(command.transactionId(), null, AmfUndefined.INSTANCE));
            }
            case "getStreamLength" -> session.write(Status.result(command.transactionId(), null, 0.0));
            // Replies and notifications a client may send back; nothing to do.
            case "_result", "_error", "onBWDone", "onStatus" -> { }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void connect(CommandMessage command) {
        if (session.state == SessionHandler.State.CONNECTED) {
            throw new RtmpProtocolException("second connect on one connection");
        }
        String app = appName(command.commandProperty("app"));
        if (app == null) {
            session.refuseAndClose(CommandMessage.of(0, "_error", command.transactionId(), null,
                    Amf.object("level", "error", "code", "NetConnection.Connect.Rejected",
                            "description", "connect needs an app name (rtmp://host/app/stream)")),
                    "connect without an app name");
            return;
        }
        Object rawApp = command.commandProperty("app");
        Object tcUrl = command.commandProperty("tcUrl");
        // nginx-rtmp reads connect arguments from the app ("live?token=x") or the tcUrl.
        session.connectArgs = QueryArgs.merge(QueryArgs.parse(QueryArgs.queryOf(text(tcUrl))),
                QueryArgs.parse(QueryArgs.queryOf(text(rawApp))));
        InetAddress address = session.ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress() : null;
        session.client = new Client(session.connection.id(), address, text(tcUrl),
                text(command.commandProperty("pageUrl")), text(command.commandProperty("swfUrl")),
                text(command.commandProperty("flashVer")));
        if (session.internal) {
            accept(command, app); // another worker of this server, relaying: not a client
            return;
        }
        if (session.connectArgs.containsKey(io.sluice.common.access.RelayToken.ARG)) {
            if (session.access.clusterRelay(app, session.connectArgs)) {
                accept(command, app); // another host of the cluster, relaying: not a client
            } else {
                session.refuseAndClose(CommandMessage.of(0, "_error", command.transactionId(), null,
                        Amf.object("level", "error", "code", "NetConnection.Connect.Rejected",
                                "description", "Invalid relay token.")), "connect to " + app
                        + " refused: invalid or expired relay token (cluster.secret differs between hosts?)");
            }
            return;
        }
        session.decide(session.access.check(Call.CONNECT, session.client, app, null, session.connectArgs), v -> {
            if (v instanceof Verdict.Refused r) {
                session.refuseAndClose(CommandMessage.of(0, "_error", command.transactionId(), null,
                        Amf.object("level", "error", "code", "NetConnection.Connect.Rejected",
                                "description", r.description())), "connect to " + app + " refused: " + r.description());
            } else {
                accept(command, app);
            }
        });
    }

    private static String text(Object value) {
        return value instanceof String s ? s : "";
    }

    private void accept(CommandMessage command, String app) {
        SessionSettings s = session.settings;
        Object encoding = command.commandProperty("objectEncoding");
        double objectEncoding = encoding instanceof Number n ? n.doubleValue() : 0;

        // Window, bandwidth and chunk size go in the same flush as the _result: clients wait for
        // the _result, and separate small writes would cost round trips (Nagle, delayed ACKs).
        session.write(new WindowAckSize(s.ackWindow()));
        session.write(new SetPeerBandwidth(s.peerBandwidth(), SetPeerBandwidth.DYNAMIC));
        session.write(new SetChunkSize(s.chunkSize()));
        Map<String, Object> properties = Amf.object("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0, "mode", 1.0);
        if (command.commandObject() instanceof Map<?, ?> request) {
            for (String key : ENHANCED_RTMP_KEYS) {
                if (request.containsKey(key)) {
                    properties.put(key, request.get(key));
                }
            }
        }
        session.write(Status.result(command.transactionId(), properties, Amf.object(
                "level", "status", "code", "NetConnection.Connect.Success",
                "description", "Connection succeeded.", "objectEncoding", objectEncoding)));
        session.state = SessionHandler.State.CONNECTED;
        session.app = app;
        session.role(Connection.Role.IDLE, null);
        log.debug("connected [conn:{}, remote:{}, app:{}, tcUrl:{}]", session.connection.id(),
                session.connection.remote(), app, command.commandProperty("tcUrl"));
    }

    /** The app without query string or surrounding slashes ("live?token=1" → "live"); null if empty. */
    static String appName(Object value) {
        if (!(value instanceof String s)) {
            return null;
        }
        int query = s.indexOf('?');
        if (query >= 0) {
            s = s.substring(0, query);
        }
        s = s.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s.isEmpty() ? null : s;
    }

    private void createStream(CommandMessage command) {
        if (session.netStreams.size() >= MAX_NET_STREAMS) {
            session.write(Status.callFailed(command.transactionId(),
                    "createStream: this connection already has " + MAX_NET_STREAMS + " streams."));
            return;
        }
        int id = 1;
        while (session.netStreams.containsKey(id)) {
            id++;
        }
        session.netStreams.put(id, new SessionHandler.NetStream(id));
        session.write(Status.result(command.transactionId(), null, (double) id));
    }

    private void deleteStream(CommandMessage command) {
        int id = (int) command.numberArgument(0, -1);
        SessionHandler.NetStream ns = session.netStreams.remove(id);
        if (ns != null) {
            session.streamCommands().stop(ns);
        }
    }
}
