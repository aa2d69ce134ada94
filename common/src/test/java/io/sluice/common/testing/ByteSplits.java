package io.sluice.common.testing;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Cuts bytes into the reads a socket might deliver, chosen by one selector byte so that a fuzz
 * input decides (and a saved input reproduces) how its bytes arrive: 0 = all at once, 1 = one
 * byte at a time, anything else = random pieces of 1 to 64 bytes from a generator seeded with it.
 */
public final class ByteSplits {

    private ByteSplits() {
    }

    /** Hands {@code data} to {@code sink} in the pieces {@code selector} chooses; each piece is a fresh array. */
    public static void feed(int selector, byte[] data, Consumer<byte[]> sink) {
        int s = selector & 0xFF;
        if (s == 0) {
            sink.accept(data.clone());
            return;
        }
        Random random = new Random(s);
        int at = 0;
        while (at < data.length) {
            int n = s == 1 ? 1 : Math.min(1 + random.nextInt(64), data.length - at);
            sink.accept(Arrays.copyOfRange(data, at, at + n));
            at += n;
        }
    }
}
