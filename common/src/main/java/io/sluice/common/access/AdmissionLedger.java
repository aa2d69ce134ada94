package io.sluice.common.access;

import io.sluice.common.config.AppSettings;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts admitted publishers and players against an app's limits ({@code max_streams},
 * {@code max_players_per_stream}, {@code max_publishers_per_ip}). The master keeps one for the
 * whole server, fed by every worker, so a limit holds across workers; a worker without a master
 * keeps its own. Not thread-safe: the master uses it on its loop.
 *
 * <p>Each admission has a ticket, given back when the session ends; an owner (a worker) that
 * goes away gives back all of its tickets at once.
 */
public final class AdmissionLedger {

    /** What is admitted. */
    public enum Kind { PUBLISH, PLAY }

    private record Entry(Object owner, Kind kind, String app, String stream, String addr) {
    }

    /** A ticket is unique per owner; owners are compared with equals (the master's worker handles: identity). */
    private record Ticket(Object owner, String ticket) {
    }

    private final Map<Ticket, Entry> tickets = new HashMap<>();
    private final Map<String, Integer> streamsByApp = new HashMap<>();
    private final Map<String, Integer> publishersByAppAndAddress = new HashMap<>();
    private final Map<String, Integer> playersByStream = new HashMap<>();

    /**
     * Admits one publisher or player of {@code app/name} from {@code addr} under {@code limits},
     * recording {@code ticket} (unique per owner); returns null when admitted, else why not.
     */
    public String admit(Object owner, String ticket, Kind kind, String app, String name, String addr,
                        AppSettings limits) {
        Ticket key = new Ticket(owner, ticket);
        if (tickets.containsKey(key)) {
            return null; // asked twice (a retry): already counted
        }
        String stream = app + "/" + name;
        if (kind == Kind.PUBLISH) {
            int streams = streamsByApp.getOrDefault(app, 0);
            if (limits.maxStreams() > 0 && streams >= limits.maxStreams()) {
                return "app " + app + " has " + streams + " streams, the most it may (apps." + app + ".max_streams)";
            }
            int fromAddr = publishersByAppAndAddress.getOrDefault(app + "\n" + addr, 0);
            if (limits.maxPublishersPerIp() > 0 && fromAddr >= limits.maxPublishersPerIp()) {
                return addr + " publishes " + fromAddr + " streams in " + app + ", the most one address may (apps."
                        + app + ".max_publishers_per_ip)";
            }
            streamsByApp.merge(app, 1, Integer::sum);
            publishersByAppAndAddress.merge(app + "\n" + addr, 1, Integer::sum);
        } else {
            int players = playersByStream.getOrDefault(stream, 0);
            if (limits.maxPlayersPerStream() > 0 && players >= limits.maxPlayersPerStream()) {
                return stream + " has " + players + " players, the most a stream of " + app
                        + " may (apps." + app + ".max_players_per_stream)";
            }
            playersByStream.merge(stream, 1, Integer::sum);
        }
        tickets.put(key, new Entry(owner, kind, app, stream, addr));
        return null;
    }

    /** The session admitted with {@code ticket} ended. */
    public void leave(Object owner, String ticket) {
        Entry e = tickets.remove(new Ticket(owner, ticket));
        if (e != null) {
            uncount(e);
        }
    }

    /** {@code owner} is gone (a worker exited): everything it was admitted for ends. */
    public void ownerGone(Object owner) {
        tickets.values().removeIf(e -> {
            if (e.owner.equals(owner)) {
                uncount(e);
                return true;
            }
            return false;
        });
    }

    private void uncount(Entry e) {
        if (e.kind == Kind.PUBLISH) {
            decrement(streamsByApp, e.app);
            decrement(publishersByAppAndAddress, e.app + "\n" + e.addr);
        } else {
            decrement(playersByStream, e.stream);
        }
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Players of {@code app/name} counted now. */
    public int players(String stream) {
        return playersByStream.getOrDefault(stream, 0);
    }

    /** Publishers of {@code app} counted now. */
    public int streams(String app) {
        return streamsByApp.getOrDefault(app, 0);
    }

    /** Tickets held now. */
    public int size() {
        return tickets.size();
    }
}
