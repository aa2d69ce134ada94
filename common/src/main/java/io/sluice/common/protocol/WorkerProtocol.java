package io.sluice.common.protocol;

import io.sluice.common.channel.Event;
import io.sluice.common.channel.Method;
import io.sluice.common.channel.Protocol;
import io.sluice.common.config.SluiceConfig;

import java.util.List;

/**
 * What master and worker say to each other over {@code run/master.sock}: every method with the
 * types of its request and response data, every event with the type of its data. Both ends build
 * their {@link io.sluice.common.channel.ChannelPeer} on {@link #PROTOCOL}, so a payload that does
 * not fit is refused in one place ({@code BadRequest}) and never reaches a handler.
 */
public final class WorkerProtocol {

    private WorkerProtocol() {
    }

    // ---- worker → master

    /** First request on a new connection: who the worker is; the answer is its configuration. */
    public static final Method<WorkerIdentity, IdentifyReply> IDENTIFY =
            Method.of("worker.identify", WorkerIdentity.class, IdentifyReply.class);
    /** Claim a stream name cluster-wide before publishing it. */
    public static final Method<StreamRef, ClaimReply> CLAIM = Method.of("stream.claim", StreamRef.class, ClaimReply.class);
    /** Give up a claimed name: the publisher left. */
    public static final Method<StreamRef, Void> RELEASE = Method.of("stream.release", StreamRef.class, Void.class);
    /**
     * Where a stream is published; when nowhere yet, the worker is remembered as waiting and told
     * with {@link #PUBLISHED} (or it cancels with {@link #WAIT_CANCELLED}).
     */
    public static final Method<StreamRef, StreamLocation> LOCATE =
            Method.of("stream.locate", StreamRef.class, StreamLocation.class);
    /** Count a publisher or player against its app's limits, cluster-wide (issue 15). */
    public static final Method<AdmitOrder, AdmitReply> ADMIT =
            Method.of("access.admit", AdmitOrder.class, AdmitReply.class);
    /** Give back what {@link #ADMIT} counted: the session ended (only the ticket is read). */
    public static final Method<AdmitOrder, Void> LEAVE = Method.of("access.leave", AdmitOrder.class, Void.class);

    // ---- master → worker

    /** The heartbeat; the answer carries the worker's load. */
    public static final Method<Heartbeat, WorkerLoad> PING = Method.of("worker.ping", Heartbeat.class, WorkerLoad.class);
    /** The worker's streams and (unless asked not to) client sessions, for {@code bin/ctl} and the API. */
    public static final Method<DumpRequest, WorkerDump> DUMP = Method.of("worker.dump", DumpRequest.class, WorkerDump.class);
    /** A reload's settings that apply in place. */
    public static final Method<SluiceConfig, Void> UPDATE_SETTINGS =
            Method.of("worker.updateSettings", SluiceConfig.class, Void.class);
    /** Close the listener and serve the open sessions until they end. */
    public static final Method<DrainOrder, Void> DRAIN = Method.of("worker.drain", DrainOrder.class, Void.class);
    /** Stop now. */
    public static final Method<Void, Void> CLOSE = Method.of("worker.close", Void.class, Void.class);
    /** Disconnect a client session; refused with {@code NotFound} when the worker has none of that id. */
    public static final Method<ClientRef, Void> KICK = Method.of("client.kick", ClientRef.class, Void.class);
    /**
     * Close the publisher of this stream: another host holds its lease now (this host's ran out
     * during a partition), so the local players move to that host's stream. Refused with
     * {@code NotFound} when the worker publishes no such stream.
     */
    public static final Method<StreamRef, Void> DROP = Method.of("stream.drop", StreamRef.class, Void.class);

    // ---- events

    /** Worker → master: the ports are bound; sent only after binding. */
    public static final Event<WorkerIdentity> RUNNING = Event.of("worker.running", WorkerIdentity.class);
    /** Master → waiting workers: a stream they wait for was claimed. */
    public static final Event<StreamLocation> PUBLISHED = Event.of("stream.published", StreamLocation.class);
    /** Master → relaying workers: a stream's owner died, so the name is free again. */
    public static final Event<StreamGone> UNPUBLISHED = Event.of("stream.unpublished", StreamGone.class);
    /** Worker → master: a relay of a stream into this worker runs. */
    public static final Event<StreamRef> RELAY_OPENED = Event.of("stream.relayOpened", StreamRef.class);
    /** Worker → master: the relay ended. */
    public static final Event<StreamRef> RELAY_CLOSED = Event.of("stream.relayClosed", StreamRef.class);
    /** Worker → master: nobody here waits for a stream any more (its last waiting player left). */
    public static final Event<StreamRef> WAIT_CANCELLED = Event.of("stream.waitCancelled", StreamRef.class);

    public static final Protocol PROTOCOL = Protocol.of("worker channel",
            List.of(IDENTIFY, CLAIM, RELEASE, LOCATE, ADMIT, LEAVE, PING, DUMP, UPDATE_SETTINGS, DRAIN, CLOSE, KICK, DROP),
            List.of(RUNNING, PUBLISHED, UNPUBLISHED, RELAY_OPENED, RELAY_CLOSED, WAIT_CANCELLED));
}
