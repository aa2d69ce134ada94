package io.sluice.master;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SignalsIgnoredTest {

    private static final List<String> HANDLED = List.of("HUP", "INT", "TERM");

    @Test
    void readsTheMaskAsProcShowsIt() {
        assertEquals(List.of(), SignalsIgnored.in("0000000000000000", HANDLED));
        assertEquals(List.of("HUP"), SignalsIgnored.in("0000000000000001", HANDLED), "nohup");
        assertEquals(List.of("INT"), SignalsIgnored.in("0000000000000006", HANDLED), "a shell's background job: INT and QUIT");
        assertEquals(List.of("HUP", "INT", "TERM"), SignalsIgnored.in("0000000000004007", HANDLED));
        assertEquals(List.of("TERM"), SignalsIgnored.in("ffffffffffffc000", HANDLED), "the top bits do not overflow");
    }

    @Test
    void thisProcessIsReadWithoutError() {
        // Whatever the surefire JVM inherited: the call reads /proc and answers from the handled ones.
        List<String> ignored = SignalsIgnored.ofThisProcess(HANDLED);
        assertEquals(true, HANDLED.containsAll(ignored), String.valueOf(ignored));
    }
}
