package io.sluice.common.protocol.control;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.common.channel.Method;
import io.sluice.common.channel.Protocol;
import io.sluice.common.protocol.ClientRef;
import io.sluice.common.protocol.StreamRef;

import java.util.List;

/**
 * What {@code bin/ctl} (and tests) ask the master over {@code run/control.sock}. A protocol of its
 * own, separate from the {@link io.sluice.common.protocol.WorkerProtocol}: a worker method sent to
 * the control socket, or a control method sent to a worker, is {@code UnknownMethod}.
 */
public final class ControlProtocol {

    private ControlProtocol() {
    }

    /** The master, its configuration and its workers. */
    public static final Method<Void, StatusView> STATUS = Method.of("master.status", Void.class, StatusView.class);
    /** Re-read the configuration file and apply it. */
    public static final Method<Void, ReloadReport> RELOAD = Method.of("master.reload", Void.class, ReloadReport.class);
    /** Channel round trips to every worker, back to back; without data, {@link PingOrder#DEFAULT_COUNT}. */
    public static final Method<PingOrder, List<WorkerLatency>> PING =
            Method.of("master.ping", PingOrder.class, new TypeReference<List<WorkerLatency>>() { });
    /** Stop the server; answered before the stop begins. */
    public static final Method<StopOrder, Void> STOP = Method.of("master.stop", StopOrder.class, Void.class);
    /** The live streams, merged from every worker. */
    public static final Method<Void, List<StreamView>> STREAMS =
            Method.of("stream.list", Void.class, new TypeReference<List<StreamView>>() { });
    /** Where one stream is published and relayed; {@code NotFound} when it is not published. */
    public static final Method<StreamRef, StreamWhere> WHERE = Method.of("stream.where", StreamRef.class, StreamWhere.class);
    /** Every worker's client sessions. */
    public static final Method<Void, List<ClientView>> CLIENTS =
            Method.of("client.list", Void.class, new TypeReference<List<ClientView>>() { });
    /** Disconnect a client session; {@code NotFound} when no worker has it. */
    public static final Method<ClientRef, KickResult> KICK = Method.of("client.kick", ClientRef.class, KickResult.class);

    public static final Protocol PROTOCOL = Protocol.of("control socket",
            List.of(STATUS, RELOAD, PING, STOP, STREAMS, WHERE, CLIENTS, KICK), List.of());
}
