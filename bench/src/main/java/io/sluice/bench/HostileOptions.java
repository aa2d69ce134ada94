package io.sluice.bench;

import io.sluice.bench.hostile.Attack;
import io.sluice.bench.hostile.Params;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command line of {@link Hostile}. */
record HostileOptions(URI url, Path flv, int players, List<String> attacks, Map<String, String> params,
                      List<Long> pids, String label, double settleSeconds, double baselineSeconds,
                      double windowSeconds, double cooldownSeconds, int lateJoiners, Path jsonOut) {

    static final String USAGE = """
            usage: Hostile --url rtmp://127.0.0.1:1935/live/honest --flv FILE [options]
              --players N           honest players of the honest stream                               [10]
              --attacks LIST        attack kinds, comma-separated, run one after another               [all]
              --param KIND.KEY=V    an attack parameter (repeatable), e.g. oversized-trickle.connections=40
              --pids P1,P2          server processes (their descendants included) for memory and restarts
              --label TEXT          server label for the results (e.g. sluice)
              --settle S            seconds after every honest player started, before measuring         [1]
              --baseline S          seconds measured before the attack                                   [4]
              --window S            seconds the attack runs                                             [12]
              --cooldown S          seconds measured after the attackers closed                          [3]
              --late N              players that join during the attack, spread over it                  [3]
              --json-out FILE       append each attack's result as one JSON line
            attacks: %s
            """.formatted(String.join(", ", Attack.KINDS));

    static HostileOptions parse(String[] args) {
        URI url = null;
        Path flv = null;
        int players = 10;
        List<String> attacks = Attack.KINDS;
        Map<String, String> params = new LinkedHashMap<>();
        List<Long> pids = new ArrayList<>();
        String label = "server";
        double settle = 1;
        double baseline = 4;
        double window = 12;
        double cooldown = 3;
        int late = 3;
        Path jsonOut = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException("");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = URI.create(v);
                case "--flv" -> flv = Path.of(v);
                case "--players" -> players = Integer.parseInt(v);
                case "--attacks" -> attacks = List.of(v.split(","));
                case "--param" -> {
                    int eq = v.indexOf('=');
                    if (eq < 1) {
                        throw new IllegalArgumentException("--param takes KIND.KEY=VALUE, not " + v);
                    }
                    params.put(v.substring(0, eq), v.substring(eq + 1));
                }
                case "--pids" -> {
                    for (String p : v.split(",")) {
                        if (!p.isBlank()) {
                            pids.add(Long.parseLong(p.trim()));
                        }
                    }
                }
                case "--label" -> label = v;
                case "--settle" -> settle = Double.parseDouble(v);
                case "--baseline" -> baseline = Double.parseDouble(v);
                case "--window" -> window = Double.parseDouble(v);
                case "--cooldown" -> cooldown = Double.parseDouble(v);
                case "--late" -> late = Integer.parseInt(v);
                case "--json-out" -> jsonOut = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (url == null || flv == null) {
            throw new IllegalArgumentException("--url and --flv are required");
        }
        for (String key : params.keySet()) {
            if (Attack.KINDS.stream().noneMatch(k -> key.startsWith(k + "."))) {
                throw new IllegalArgumentException("--param " + key + ": no attack of that kind");
            }
        }
        HostileOptions options = new HostileOptions(url, flv, players, attacks, params, pids, label, settle, baseline,
                window, cooldown, late, jsonOut);
        options.buildAttacks(); // a parameter the attack does not have is an error now, not after a run
        return options;
    }

    /** The attacks to run, with their parameters. */
    List<Attack> buildAttacks() {
        return attacks.stream().map(kind -> Attack.of(kind, Params.select(kind, params))).toList();
    }

    /** The application part of the URL ("live" in rtmp://host/live/stream). */
    String app() {
        String path = url.getPath().substring(1);
        return path.substring(0, path.lastIndexOf('/'));
    }

    String stream() {
        String path = url.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 1935 : url.getPort());
    }
}
