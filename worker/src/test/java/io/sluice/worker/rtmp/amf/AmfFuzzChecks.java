package io.sluice.worker.rtmp.amf;

import io.netty.buffer.ByteBuf;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.TrackingAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The property both AMF fuzz targets check on every input. Reading either returns values or
 * throws an {@link AmfException} that names the offset and leaves the reader index where it was;
 * nothing else may escape (no IndexOutOfBoundsException, StackOverflowError, OutOfMemoryError).
 * What was read can be printed, hashed and written again as AMF0, as the session layer does
 * with metadata, without the work or the memory growing out of proportion to the input.
 */
final class AmfFuzzChecks {

    /** Parsing, printing and re-encoding all count. */
    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();
    /** Bytes before the reader index, so that offsets in messages are buffer indexes, not 0-based guesses. */
    private static final int JUNK = 3;

    private AmfFuzzChecks() {
    }

    static void check(byte[] input, Function<ByteBuf, List<Object>> reader) {
        BUDGET.run(input.length, () -> readPrintAndWrite(input, reader));
    }

    private static void readPrintAndWrite(byte[] input, Function<ByteBuf, List<Object>> reader) {
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf in = alloc.heapBuffer(JUNK + input.length);
        try {
            in.writeZero(JUNK).readerIndex(JUNK);
            in.writeBytes(input);
            List<Object> values;
            try {
                values = reader.apply(in);
            } catch (AmfException e) {
                assertTrue(e.getMessage().contains(" at offset " + e.offset() + ": "), e.getMessage());
                assertTrue(e.offset() >= JUNK && e.offset() <= JUNK + input.length, e.getMessage());
                assertEquals(JUNK, in.readerIndex(), "reader index not restored after: " + e.getMessage());
                return;
            }
            assertEquals(in.writerIndex(), in.readerIndex(), "readAll left bytes unread");
            String.valueOf(values);
            values.hashCode();
            ByteBuf out = alloc.heapBuffer();
            try {
                for (Object value : values) {
                    Amf0Writer.write(out, value);
                }
            } finally {
                out.release();
            }
        } finally {
            in.release();
            alloc.assertAllReleased("after reading " + input.length + " bytes");
        }
    }

    /** Every AMF3 value in the buffer, read with one reader (one set of reference tables). */
    static List<Object> readAllAmf3(ByteBuf in) {
        int start = in.readerIndex();
        Amf3Reader reader = new Amf3Reader();
        List<Object> values = new ArrayList<>();
        try {
            while (in.isReadable()) {
                values.add(reader.read(in));
            }
        } catch (AmfException e) {
            in.readerIndex(start);
            throw e;
        }
        return values;
    }
}
