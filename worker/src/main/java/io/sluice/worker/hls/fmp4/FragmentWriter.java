package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.List;

import static io.sluice.worker.hls.fmp4.BoxWriter.begin;
import static io.sluice.worker.hls.fmp4.BoxWriter.beginFull;
import static io.sluice.worker.hls.fmp4.BoxWriter.end;
import static io.sluice.worker.hls.fmp4.BoxWriter.type;

/**
 * Writes one {@code moof} + {@code mdat} (ISO/IEC 14496-12 8.8.4): a {@code traf} per track
 * with samples, each with {@code tfhd} (default-base-is-moof), {@code tfdt} (version 1, 64-bit
 * base media decode time) and one {@code trun} (version 1: signed composition offsets), whose
 * data offset points at the track's run of samples in the {@code mdat}.
 *
 * <p>The boxes go into one small buffer; the sample data is not copied but added as retained
 * slices of the frames' payloads behind it, in a {@link CompositeByteBuf}.
 */
final class FragmentWriter {

    /** tfhd: base data offset is the start of the moof. */
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    private static final int TFHD_DEFAULT_SAMPLE_FLAGS = 0x000020;
    private static final int TRUN_DATA_OFFSET = 0x000001;
    private static final int TRUN_SAMPLE_DURATION = 0x000100;
    private static final int TRUN_SAMPLE_SIZE = 0x000200;
    private static final int TRUN_SAMPLE_FLAGS = 0x000400;
    private static final int TRUN_COMPOSITION_OFFSET = 0x000800;
    /** sample_depends_on = 2 (depends on no other sample), is_non_sync_sample = 0. */
    static final int SYNC_SAMPLE = 0x02000000;
    /** sample_depends_on = 1 (depends on others), is_non_sync_sample = 1. */
    static final int NON_SYNC_SAMPLE = 0x01010000;

    private FragmentWriter() {
    }

    /** One sample: where its data is and when it is. */
    record Sample(ByteBuf payload, int offset, int length, long dts, int duration, int compositionOffset,
                  boolean sync) {
    }

    /** A track's samples in this fragment, in decode order. */
    record Run(Track track, List<Sample> samples) {
    }

    static ByteBuf write(ByteBufAllocator alloc, long sequenceNumber, List<Run> runs) {
        int samples = 0;
        for (Run run : runs) {
            samples += run.samples().size();
        }
        ByteBuf head = alloc.buffer(128 + 80 * runs.size() + 16 * samples);
        CompositeByteBuf out = null;
        try {
            int moof = begin(head, type("moof"));
            int mfhd = beginFull(head, type("mfhd"), 0, 0);
            head.writeInt((int) sequenceNumber);
            end(head, mfhd);
            int[] dataOffsetFields = new int[runs.size()];
            for (int i = 0; i < runs.size(); i++) {
                dataOffsetFields[i] = writeTraf(head, runs.get(i));
            }
            end(head, moof);
            long mdatBody = 0;
            for (Run run : runs) {
                for (Sample s : run.samples()) {
                    mdatBody += s.length();
                }
            }
            if (8 + mdatBody > 0xffffffffL) {
                throw new IllegalArgumentException("fragment of " + mdatBody + " bytes does not fit a 32-bit mdat");
            }
            head.writeInt((int) (8 + mdatBody));
            head.writeInt(type("mdat"));
            // data_offset is relative to the moof's first byte (default-base-is-moof).
            long position = head.writerIndex() - moof;
            for (int i = 0; i < runs.size(); i++) {
                head.setInt(dataOffsetFields[i], (int) position);
                for (Sample s : runs.get(i).samples()) {
                    position += s.length();
                }
            }
            out = alloc.compositeBuffer(1 + samples);
            out.addComponent(true, head);
            head = null;
            for (Run run : runs) {
                for (Sample s : run.samples()) {
                    out.addComponent(true, s.payload().retainedSlice(s.offset(), s.length()));
                }
            }
            ByteBuf done = out;
            out = null;
            return done;
        } finally {
            if (head != null) {
                head.release();
            }
            if (out != null) {
                out.release();
            }
        }
    }

    /** Writes a traf; returns the index of its trun's data_offset field, patched when the moof is done. */
    private static int writeTraf(ByteBuf out, Run run) {
        Track track = run.track();
        List<Sample> samples = run.samples();
        int traf = begin(out, type("traf"));
        int tfhd = beginFull(out, type("tfhd"), 0,
                TFHD_DEFAULT_BASE_IS_MOOF | (track.isVideo() ? 0 : TFHD_DEFAULT_SAMPLE_FLAGS));
        out.writeInt(track.id);
        if (!track.isVideo()) {
            out.writeInt(SYNC_SAMPLE); // every audio frame can be decoded on its own
        }
        end(out, tfhd);
        int tfdt = beginFull(out, type("tfdt"), 1, 0);
        out.writeLong(samples.get(0).dts());
        end(out, tfdt);
        int flags = TRUN_DATA_OFFSET | TRUN_SAMPLE_DURATION | TRUN_SAMPLE_SIZE
                | (track.isVideo() ? TRUN_SAMPLE_FLAGS | TRUN_COMPOSITION_OFFSET : 0);
        int trun = beginFull(out, type("trun"), 1, flags);
        out.writeInt(samples.size());
        int dataOffset = out.writerIndex();
        out.writeInt(0);
        for (Sample s : samples) {
            out.writeInt(s.duration());
            out.writeInt(s.length());
            if (track.isVideo()) {
                out.writeInt(s.sync() ? SYNC_SAMPLE : NON_SYNC_SAMPLE);
                out.writeInt(s.compositionOffset());
            }
        }
        end(out, trun);
        end(out, traf);
        return dataOffset;
    }
}
