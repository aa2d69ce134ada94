package io.sluice.worker.hls.fmp4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A parsed ISO BMFF box for tests: checks that sizes nest exactly, and reads fields. */
record Box(String type, byte[] file, int start, int size, List<Box> children) {

    private static final List<String> CONTAINERS = List.of("moov", "trak", "mdia", "minf", "dinf", "stbl",
            "mvex", "moof", "traf");

    /** The top-level boxes of {@code file}, which must be exactly covered by them. */
    static List<Box> parse(byte[] file) {
        return parse(file, 0, file.length);
    }

    static List<Box> parse(byte[] file, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        int p = from;
        while (p < to) {
            assertTrue(to - p >= 8, "box header cut short at " + p);
            int size = ByteBuffer.wrap(file, p, 4).getInt();
            String type = new String(file, p + 4, 4, StandardCharsets.ISO_8859_1);
            assertTrue(size >= 8 && p + size <= to, type + " of size " + size + " at " + p + " overruns its parent ending at " + to);
            List<Box> children = CONTAINERS.contains(type) ? parse(file, p + 8, p + size) : List.of();
            boxes.add(new Box(type, file, p, size, children));
            p += size;
        }
        assertEquals(to, p, "boxes end where their parent does");
        return boxes;
    }

    /** The first descendant along {@code path} (types separated by '/'). */
    Box find(String path) {
        Box b = this;
        for (String t : path.split("/")) {
            Box next = null;
            for (Box c : b.children) {
                if (c.type.equals(t)) {
                    next = c;
                    break;
                }
            }
            assertTrue(next != null, "no " + t + " in " + b.type);
            b = next;
        }
        return b;
    }

    static Box top(List<Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type.equals(type)).findFirst().orElseThrow(() -> new AssertionError("no " + type));
    }

    /** Body byte at {@code offset} from the box's start. */
    int u8(int offset) {
        return file[start + offset] & 0xff;
    }

    int i32(int offset) {
        return ByteBuffer.wrap(file, start + offset, 4).getInt();
    }

    long i64(int offset) {
        return ByteBuffer.wrap(file, start + offset, 8).getLong();
    }

    int version() {
        return u8(8);
    }

    int flags() {
        return i32(8) & 0xffffff;
    }
}
