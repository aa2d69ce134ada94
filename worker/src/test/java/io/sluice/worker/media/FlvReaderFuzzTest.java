package io.sluice.worker.media;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.common.testing.AllocationBudget;
import io.sluice.common.testing.TrackingAllocator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of {@link FlvReader} on a whole file held in memory (the input). The
 * corpus starts from small files ffmpeg and {@link FlvWriter} wrote.
 *
 * <p>Whatever the bytes: the reader returns tags until a clean end or fails with an
 * {@link FlvFormatException} naming an offset inside the file, nothing else; tag bodies add up
 * to no more than the file; the audio and video bodies can be inspected; every payload is
 * released; and buffers follow the bytes read, not the DataSize a corrupt tag announces.
 */
class FlvReaderFuzzTest {

    private static final AllocationBudget BUDGET = AllocationBudget.forFuzzing();

    @FuzzTest
    void read(byte[] input) {
        BUDGET.run(input.length, () -> {
            try {
                readAll(input);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void readAll(byte[] file) throws IOException {
        TrackingAllocator alloc = new TrackingAllocator();
        long bodies = 0;
        try (FlvReader reader = new FlvReader(new ByteArrayInputStream(file), alloc)) {
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                try {
                    // A tag body grows with the bytes read, not with a corrupt DataSize.
                    alloc.assertCapacityAtMost(2L * file.length + 64 * 1024, "while reading");
                    bodies += tag.payload().readableBytes();
                    if (tag.type() != FlvTag.SCRIPT) {
                        MediaTagReader.inspect(tag.type(), tag.payload());
                    }
                } finally {
                    tag.release();
                }
            }
            assertTrue(bodies <= file.length, bodies + " bytes of tag bodies from a " + file.length + "-byte file");
        } catch (FlvFormatException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= file.length, e.getMessage());
        } finally {
            alloc.assertAllReleased("after reading a " + file.length + "-byte file");
        }
    }
}
