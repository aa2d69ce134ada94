package io.sluice.master;

import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which signals a process ignores, from Linux's {@code /proc/self/status} ({@code SigIgn}, a hex
 * mask in which bit N-1 stands for signal N). A JVM leaves an inherited ignored HUP, INT or TERM
 * ignored whatever handler is installed for it.
 */
final class SignalsIgnored {

    private SignalsIgnored() {
    }

    /** Those of {@code names} this process ignores; none when the mask cannot be read. */
    static List<String> ofThisProcess(List<String> names) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return in(line.substring("SigIgn:".length()).trim(), names);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: nothing to say
        }
        return List.of();
    }

    /** Those of {@code names} set in {@code hexMask} (as {@code SigIgn} shows it). */
    static List<String> in(String hexMask, List<String> names) {
        long mask = Long.parseUnsignedLong(hexMask, 16);
        List<String> ignored = new ArrayList<>();
        for (String name : names) {
            int n = new Signal(name).getNumber();
            if ((mask >>> (n - 1) & 1) != 0) {
                ignored.add(name);
            }
        }
        return ignored;
    }
}
