package io.sluice.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CPU time and memory of the server's processes from /proc: the given root pids and all
 * their descendants (found through /proc/PID/task/TID/children), so Sluice's worker JVMs and
 * nginx's worker processes count with their master.
 */
final class ProcSampler {

    /** Clock ticks per second of utime/stime; 100 on every Linux we run on (getconf CLK_TCK). */
    static final long CLK_TCK = 100;

    private final List<Long> roots;

    ProcSampler(List<Long> roots) {
        this.roots = List.copyOf(roots);
    }

    /** One process at one moment. */
    record Proc(long pid, String name, long cpuTicks, long sysTicks, long rssKb, long hwmKb) {
    }

    /** Every live process of the tree, by pid. */
    Map<Long, Proc> sample() {
        Map<Long, Proc> out = new LinkedHashMap<>();
        Deque<Long> todo = new ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            long pid = todo.poll();
            if (out.containsKey(pid)) {
                continue;
            }
            Proc p = read(pid);
            if (p == null) {
                continue;
            }
            out.put(pid, p);
            todo.addAll(children(pid));
        }
        return out;
    }

    static Proc read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int open = stat.indexOf('(');
            int close = stat.lastIndexOf(')');
            String name = stat.substring(open + 1, close);
            String[] f = stat.substring(close + 2).split(" ");
            // After "(comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = 0;
            long hwm = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kb(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kb(line);
                }
            }
            return new Proc(pid, name, ticks, Long.parseLong(f[12]), rss, hwm);
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    private static long kb(String line) {
        String[] parts = line.trim().split("\\s+");
        return Long.parseLong(parts[1]);
    }

    static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String s = Files.readString(task.resolve("children")).trim();
                    if (!s.isEmpty()) {
                        for (String c : s.split("\\s+")) {
                            out.add(Long.parseLong(c));
                        }
                    }
                } catch (IOException | RuntimeException ignored) {
                    // thread exited
                }
            }
        } catch (IOException | RuntimeException gone) {
            // process exited
        }
        return out;
    }

    /** Whole machine from /proc/stat: {busy ticks, total ticks}. */
    static long[] machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The command line of a process, NUL-separated arguments joined with spaces. */
    static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }
}
