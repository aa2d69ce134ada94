package io.sluice.worker.rtmp.session;

import io.sluice.worker.access.Call;
import io.sluice.worker.access.QueryArgs;
import io.sluice.worker.access.Refusal;
import io.sluice.worker.access.Verdict;
import io.sluice.worker.net.Connection;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.UserControl;
import io.sluice.worker.stream.LiveStream;
import io.sluice.worker.stream.ClusterView;
import io.sluice.worker.stream.StreamKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * NetStream commands: publish, play and what a player may change while playing (pause,
 * receiveAudio, receiveVideo), and closeStream.
 */
final class StreamCommands {

    private static final Logger log = LoggerFactory.getLogger(StreamCommands.class);
    /** Longest stream name accepted (nginx-rtmp's limit is 256 for names; URLs carry longer tokens). */
    static final int MAX_NAME_LENGTH = 1024;

    private final SessionHandler session;

    StreamCommands(SessionHandler session) {
        this.session = session;
    }

    boolean handle(CommandMessage command) {
        switch (command.name()) {
            case "publish" -> publish(command);
            case "play" -> play(command);
            case "pause" -> {
                PlaySession p = playing(command);
                if (p != null) {
                    p.pause(command.argument(0) instanceof Boolean b ? b : true);
                    p.flush();
                }
            }
            case "receiveAudio" -> {
                PlaySession p = playing(command);
                if (p != null) {
                    p.receiveAudio(!(command.argument(0) instanceof Boolean b) || b);
                }
            }
            case "receiveVideo" -> {
                PlaySession p = playing(command);
                if (p != null) {
                    p.receiveVideo(!(command.argument(0) instanceof Boolean b) || b);
                }
            }
            case "closeStream" -> {
                SessionHandler.NetStream ns = session.netStreams.get(command.streamId());
                if (ns != null) {
                    stop(ns);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * The stream name without its query string ({@code key?token=x} → {@code key}), as nginx-rtmp
     * keys streams; null when empty or too long.
     */
    static String streamName(String raw) {
        if (raw == null) {
            return null;
        }
        int query = raw.indexOf('?');
        String name = (query >= 0 ? raw.substring(0, query) : raw).strip();
        return name.isEmpty() || name.length() > MAX_NAME_LENGTH ? null : name;
    }

    private SessionHandler.NetStream netStream(CommandMessage command, String failCode) {
        SessionHandler.NetStream ns = session.netStreams.get(command.streamId());
        if (ns == null) {
            session.write(Status.error(command.streamId(), failCode,
                    command.name() + " on stream " + command.streamId() + ", which createStream did not create."));
        }
        return ns;
    }

    private PlaySession playing(CommandMessage command) {
        SessionHandler.NetStream ns = session.netStreams.get(command.streamId());
        return ns == null ? null : ns.playing;
    }

    private void publish(CommandMessage command) {
        SessionHandler.NetStream ns = netStream(command, Status.PUBLISH_FAILED);
        if (ns == null) {
            return;
        }
        if (session.internal) {
            session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_FAILED, "The relay endpoint only plays."),
                    "publish on the relay endpoint");
            return;
        }
        String raw = command.stringArgument(0);
        if (tooLong(raw)) {
            session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_BAD_NAME, TOO_LONG), "publish refused: "
                    + session.access.refuse(Refusal.BAD_REQUEST, TOO_LONG).description());
            return;
        }
        String name = streamName(raw);
        if (name == null) {
            session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_BAD_NAME, "publish needs a stream name."),
                    "publish without a valid stream name");
            return;
        }
        if (ns.publishing != null || ns.playing != null) {
            session.write(Status.error(ns.id, Status.PUBLISH_FAILED, "Stream " + ns.id + " is already in use."));
            return;
        }
        String type = command.stringArgument(1);
        Map<String, String> args = QueryArgs.merge(session.connectArgs, QueryArgs.parse(QueryArgs.queryOf(raw)));
        // The rename (a hook's 3xx) happens here, before the name is claimed: the cluster, the
        // players and every later feature only ever see the name the back-end chose.
        session.decide(session.access.check(Call.PUBLISH, session.client, session.app, name, args), v -> {
            if (v instanceof Verdict.Refused r) {
                session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_BAD_NAME, r.description()),
                        "publish of " + session.app + "/" + name + " refused: " + r.description());
            } else if (ns.publishing == null && ns.playing == null) {
                ns.args = args;
                ns.admitted = (Verdict.Allowed) v;
                startPublish(ns, ns.admitted.name(), type);
            } else {
                session.access.release((Verdict.Allowed) v);
            }
        });
    }

    /** Longer than any URL ffmpeg sends (its tcUrl buffer): a token this long is a mistake or an attack. */
    private static boolean tooLong(String raw) {
        return raw != null && raw.length() > MAX_NAME_LENGTH;
    }

    private static final String TOO_LONG = "The stream name with its query string is longer than " + MAX_NAME_LENGTH
            + " characters (ffmpeg's limit for a URL); use a shorter token.";

    private void startPublish(SessionHandler.NetStream ns, String name, String type) {
        StreamKey key = new StreamKey(session.app, name);
        LiveStream stream = session.registry.acquire(key);
        PublishSession publisher = new PublishSession(session.ctx, stream);
        boolean attached = stream.attach(publisher);
        // A relay of this name may still be live here though its source just left (a publisher
        // reconnecting lands on any worker): then the master's claim decides, and a granted claim
        // replaces the relay.
        boolean standIn = !attached && stream.publishedByStandIn();
        if (!attached && !standIn) {
            session.registry.release(stream);
            session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_BAD_NAME, key + " is already being published."),
                    "publish refused: " + key + " is already being published");
            return;
        }
        ns.publishing = publisher;
        session.role(Connection.Role.PUBLISHER, key.toString());
        session.cluster.claim(key).whenComplete((claim, error) -> session.ctx.executor().execute(() -> {
            ClusterView.Claim decided = claim;
            if (standIn && ns.publishing == publisher && error == null && claim == ClusterView.Claim.GRANTED
                    && !stream.takeOver(publisher, "a publisher of " + key + " connected to this worker")) {
                // A publisher on this worker won the name meanwhile; the grant is its own.
                decided = ClusterView.Claim.TAKEN;
            }
            claimed(ns, publisher, decided, error, type);
        }));
    }

    /** The cluster-wide claim for a publish was decided; on the connection's loop. */
    private void claimed(SessionHandler.NetStream ns, PublishSession publisher, ClusterView.Claim claim,
                         Throwable error, String type) {
        StreamKey key = publisher.stream().key();
        if (ns.publishing != publisher || !session.ctx.channel().isOpen()) {
            // The publisher left while the claim was decided, or its connection just closed (the
            // bytes of one read keep flowing after a protocol error closes it, and channelInactive
            // runs after this task): give back what was granted; stop() cleans up the rest.
            // Found by RtmpPipelineFuzzTest: a publish and a broken message in one read.
            if (error == null && claim == ClusterView.Claim.GRANTED) {
                session.cluster.release(key);
            }
            return;
        }
        if (error != null || claim != ClusterView.Claim.GRANTED) {
            stop(ns);
            if (error != null) {
                session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_FAILED,
                        "Could not claim " + key + ": " + error.getMessage()), "publish of " + key + " failed: " + error);
            } else {
                session.refuseAndClose(Status.error(ns.id, Status.PUBLISH_BAD_NAME,
                        key + " is already being published."), "publish refused: " + key
                        + " is already being published on another worker");
            }
            return;
        }
        publisher.claimed();
        // From now on the connection may send publisher-sized messages (see ChunkDecoder).
        session.connection.publishAccepted(true);
        session.write(UserControl.streamBegin(ns.id));
        session.write(Status.status(ns.id, Status.PUBLISH_START, key + " is now published."));
        session.ctx.flush();
        session.startPublisherTimeout();
        log.info("publish started [conn:{}, remote:{}, stream:{}, type:{}]", session.connection.id(),
                session.connection.remote(), key, type);
    }

    private void play(CommandMessage command) {
        SessionHandler.NetStream ns = netStream(command, Status.PLAY_FAILED);
        if (ns == null) {
            return;
        }
        String raw = command.stringArgument(0);
        if (tooLong(raw)) {
            session.refuseAndClose(Status.error(ns.id, Status.PLAY_FAILED, TOO_LONG), "play refused: "
                    + session.access.refuse(Refusal.BAD_REQUEST, TOO_LONG).description());
            return;
        }
        String name = streamName(raw);
        if (name == null) {
            session.write(Status.error(ns.id, Status.PLAY_FAILED, "play needs a stream name."));
            return;
        }
        if (ns.publishing != null) {
            session.write(Status.error(ns.id, Status.PLAY_FAILED, "Stream " + ns.id + " is publishing."));
            return;
        }
        if (ns.playing != null) {
            stop(ns); // a second play on the same stream switches to the new name
        }
        double start = command.numberArgument(1, -2);
        if (session.internal) {
            startPlay(ns, name, start); // another worker of this server relaying: not a client
            return;
        }
        Map<String, String> args = QueryArgs.merge(session.connectArgs, QueryArgs.parse(QueryArgs.queryOf(raw)));
        if (session.access.clusterRelay(session.app, args)) {
            // Another host relaying (its connect showed the token too). Served only once a
            // publisher is here (see startPlay): played before, it would start without the
            // sequence headers this worker's own relay gets later.
            session.clusterRelay = true;
            startPlay(ns, name, start);
            return;
        }
        session.decide(session.access.check(Call.PLAY, session.client, session.app, name, args), v -> {
            if (v instanceof Verdict.Refused r) {
                session.refuseAndClose(Status.error(ns.id, Status.PLAY_FAILED, r.description()),
                        "play of " + session.app + "/" + name + " refused: " + r.description());
            } else if (ns.publishing == null && ns.playing == null) {
                ns.args = args;
                ns.admitted = (Verdict.Allowed) v;
                startPlay(ns, ns.admitted.name(), start);
            } else {
                session.access.release((Verdict.Allowed) v);
            }
        });
    }

    private void startPlay(SessionHandler.NetStream ns, String name, double start) {
        // Live only: start -2 (live or recorded), -1 (live) and any offset all play the live stream.
        StreamKey key = new StreamKey(session.app, name);
        LiveStream stream = session.registry.acquire(key);
        PlaySession player = new PlaySession(session.ctx, session.sink(), ns.id, session.settings.chunkSize(),
                session.settings.slowTimeout().toNanos(), stream);
        ns.playing = player;
        session.role(session.internal ? Connection.Role.RELAY : Connection.Role.PLAYER, key.toString());
        if ((session.internal || session.clusterRelay) && !stream.hasPublisher()) {
            // A relay asks for a stream this worker no longer has (its publisher just left):
            // say so at once, and the relaying worker looks again. Another host's relay landed
            // (SO_REUSEPORT) on a worker that does not have it: this worker starts relaying it
            // from its owner here, so the other host's next attempt finds it.
            if (session.clusterRelay) {
                session.cluster.needPublisher(stream);
            }
            ns.playing = null;
            session.registry.release(stream);
            session.refuseAndClose(Status.error(ns.id, Status.PLAY_STREAM_NOT_FOUND, key + " is not published here."),
                    "relay asked for " + key + ", which is not published here");
            return;
        }
        player.start();
        stream.subscribe(player);
        if (!stream.hasPublisher()) {
            session.cluster.needPublisher(stream);
        }
        log.debug("play started [conn:{}, remote:{}, stream:{}, start:{}]", session.connection.id(),
                session.connection.remote(), key, start);
        long waitMs = session.settings.playWaitTimeout().toMillis();
        if (waitMs > 0) {
            session.ctx.executor().schedule(() -> giveUpWaiting(ns, player), waitMs, TimeUnit.MILLISECONDS);
        }
    }

    private void giveUpWaiting(SessionHandler.NetStream ns, PlaySession player) {
        if (ns.playing != player || player.live() || !session.ctx.channel().isActive()) {
            return;
        }
        stop(ns);
        session.write(Status.error(ns.id, Status.PLAY_STREAM_NOT_FOUND,
                player.stream().key() + " is not published (waited "
                        + session.settings.playWaitTimeout().toMillis() + " ms)."));
        session.ctx.flush();
    }

    /** Ends whatever the net stream does; its id stays allocated. */
    void stop(SessionHandler.NetStream ns) {
        if (ns.admitted != null) {
            session.access.release(ns.admitted);
            ns.admitted = null;
        }
        if (ns.publishing != null) {
            PublishSession p = ns.publishing;
            ns.publishing = null;
            p.stream().detach(p);
            if (p.isClaimed()) {
                session.cluster.release(p.stream().key());
            }
            if (p.stream().subscriberCount() > 0) {
                session.cluster.needPublisher(p.stream()); // its players wait for a publisher anywhere
            }
            session.registry.release(p.stream());
            session.stopPublisherTimeoutIfIdle();
            log.info("publish stopped [conn:{}, stream:{}, in:{}]", session.connection.id(), p.stream().key(),
                    session.connection.bytesIn());
            if (p.isClaimed() && !session.internal) {
                session.access.ended(Call.PUBLISH_DONE, session.client, p.stream().key().app(),
                        p.stream().key().name(), ns.args);
            }
        }
        if (ns.playing != null) {
            PlaySession p = ns.playing;
            ns.playing = null;
            p.deactivate();
            p.stream().unsubscribe(p);
            session.registry.release(p.stream());
            log.debug("play stopped [conn:{}, stream:{}]", session.connection.id(), p.stream().key());
            if (!session.internal) {
                session.access.ended(Call.PLAY_DONE, session.client, p.stream().key().app(), p.stream().key().name(),
                        ns.args);
            }
        }
        boolean busy = false;
        boolean publishing = false;
        for (SessionHandler.NetStream other : session.netStreams.values()) {
            busy |= other.publishing != null || other.playing != null;
            publishing |= other.publishing != null && other.publishing.isClaimed();
        }
        session.connection.publishAccepted(publishing);
        if (!busy) {
            session.role(Connection.Role.IDLE, null);
        }
    }
}
