package io.sluice.master.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Turns the master's JSON answers into the tables {@code bin/ctl} prints. */
final class Render {

    private Render() {
    }

    static String render(String command, JsonNode a) {
        return switch (command) {
            case "status" -> status(a);
            case "workers" -> workers(a).toString();
            case "streams" -> streams(a);
            case "clients" -> clients(a);
            case "where" -> where(a);
            case "reload" -> reload(a);
            case "ping" -> ping(a);
            case "kick" -> "kicked client " + a.path("id").asText() + " on worker " + a.path("worker").asInt() + "\n";
            case "stop" -> "stopping\n";
            default -> a.toString() + "\n";
        };
    }

    private static String status(JsonNode a) {
        StringBuilder out = new StringBuilder();
        out.append("master pid   ").append(a.path("pid").asLong()).append('\n');
        out.append("uptime       ").append(Table.duration(a.path("uptimeMillis").asLong())).append('\n');
        out.append("generation   ").append(a.path("generation").asInt()).append('\n');
        out.append("config file  ").append(a.path("configFile").asText()).append('\n');
        out.append("listening    ").append(a.path("bind").asText()).append(':').append(a.path("port").asInt()).append('\n');
        out.append('\n').append(workers(a));
        JsonNode givenUp = a.path("givenUp");
        givenUp.fieldNames().forEachRemaining(slot -> out.append("worker slot ").append(slot)
                .append(" not respawned: ").append(givenUp.path(slot).asText()).append('\n'));
        return out.toString();
    }

    private static Table workers(JsonNode a) {
        Table t = new Table("WORKER", "PID", "GEN", "STATE", "UPTIME", "CONNS", "PUB", "PLAY", "STREAMS", "HEAP",
                "IN", "OUT", "RTT p50/p99");
        for (JsonNode w : a.path("workers")) {
            t.row(w.path("id").asInt(), w.path("pid").asLong(), w.path("generation").asInt(), w.path("state").asText(),
                    Table.duration(w.path("uptimeMillis").asLong()), w.path("connections").asInt(),
                    w.path("publishers").asInt(), w.path("players").asInt(), w.path("streams").asInt(),
                    Table.bytes(w.path("heapUsed").asLong()), Table.bytes(w.path("bytesIn").asLong()),
                    Table.bytes(w.path("bytesOut").asLong()),
                    w.path("rttP50Micros").asLong() < 0 ? "-" : w.path("rttP50Micros").asLong() + "/"
                            + w.path("rttP99Micros").asLong() + " us");
        }
        return t;
    }

    private static String streams(JsonNode a) {
        Table t = new Table("STREAM", "OWNER", "RELAYED BY", "PUBLISHER", "PLAYERS", "KBPS", "VIDEO", "AUDIO", "UPTIME");
        for (JsonNode s : a) {
            t.row(s.path("stream").asText(), s.path("owner").asInt(), ids(s.path("relayedBy")),
                    s.path("publisher").asText("-"), s.path("players").asInt(), s.path("kbps").asLong(),
                    s.path("videoCodec").asText("-"), s.path("audioCodec").asText("-"),
                    Table.duration(s.path("uptimeMillis").asLong()));
        }
        return t.isEmpty() ? "no live streams\n" : t.toString();
    }

    private static String clients(JsonNode a) {
        Table t = new Table("WORKER", "ID", "ADDRESS", "ROLE", "STREAM", "IN", "OUT", "DURATION");
        for (JsonNode c : a) {
            t.row(c.path("worker").asInt(), c.path("id").asText(), c.path("address").asText(), c.path("role").asText(),
                    c.path("stream").asText("-"), Table.bytes(c.path("bytesIn").asLong()),
                    Table.bytes(c.path("bytesOut").asLong()), Table.duration(c.path("durationMillis").asLong()));
        }
        return t.isEmpty() ? "no clients\n" : t.toString();
    }

    private static String where(JsonNode a) {
        return a.path("app").asText() + "/" + a.path("name").asText() + ": published on worker "
                + a.path("owner").asInt() + " (pid " + a.path("ownerPid").asLong() + "), relayed by "
                + (a.path("relayedBy").isEmpty() ? "no other worker" : "worker(s) " + ids(a.path("relayedBy"))) + "\n";
    }

    private static String ping(JsonNode a) {
        Table t = new Table("WORKER", "PID", "GEN", "PINGS", "P50 US", "P99 US", "MAX US");
        for (JsonNode w : a) {
            t.row(w.path("id").asText(), w.path("pid").asText(), w.path("generation").asText(), w.path("count").asText(),
                    String.format("%.0f", w.path("p50Micros").asDouble()), String.format("%.0f", w.path("p99Micros").asDouble()),
                    String.format("%.0f", w.path("maxMicros").asDouble()));
        }
        return t.toString();
    }

    private static String reload(JsonNode a) {
        StringBuilder out = new StringBuilder();
        JsonNode changes = a.path("changes");
        if (changes.isEmpty()) {
            out.append("reloaded: nothing changed\n");
        } else {
            Table t = new Table("KEY", "OLD", "NEW", "APPLIED");
            for (JsonNode c : changes) {
                t.row(c.path("key").asText(), c.path("oldValue").asText(), c.path("newValue").asText(),
                        c.path("apply").asText().toLowerCase().replace('_', ' '));
            }
            out.append(t);
        }
        if (a.hasNonNull("summary")) {
            out.append(a.path("summary").asText()).append('\n');
        }
        return out.toString();
    }

    private static String ids(JsonNode array) {
        if (array.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        for (JsonNode id : array) {
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(id.asInt());
        }
        return s.toString();
    }
}
