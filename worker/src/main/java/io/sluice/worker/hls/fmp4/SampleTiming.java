package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;
import io.sluice.worker.stream.MediaFrame;

import java.util.List;

/**
 * Decode times and durations of a fragment's samples, kept continuous across fragments by each
 * {@link Track}'s clock; the rules are in {@link Fmp4Muxer}'s class comment.
 */
final class SampleTiming {

    private SampleTiming() {
    }

    /** A video sample with its duration still 0: {@link #setVideoDurations} fills it in. */
    static FragmentWriter.Sample videoSample(Track video, MediaFrame f, PayloadLayout layout) {
        ByteBuf payload = f.payload();
        int offset = layout.offset();
        if (video.video.codec().equals("av01")) {
            offset += temporalDelimiterLength(payload, offset);
        }
        return new FragmentWriter.Sample(payload, offset, payload.writerIndex() - offset,
                f.timestamp() * (Fmp4Muxer.VIDEO_TIMESCALE / 1000), 0, layout.compositionTime() * (Fmp4Muxer.VIDEO_TIMESCALE / 1000),
                f.isKeyframe());
    }

    static void setVideoDurations(Track video, List<MediaFrame> frames, List<FragmentWriter.Sample> samples, long next) {
        for (int i = 0; i < samples.size(); i++) {
            FragmentWriter.Sample s = samples.get(i);
            long duration;
            if (i + 1 < samples.size()) {
                duration = samples.get(i + 1).dts() - s.dts();
            } else if (next >= frames.get(i).timestamp()) {
                duration = next * (Fmp4Muxer.VIDEO_TIMESCALE / 1000) - s.dts();
            } else {
                duration = video.lastDuration;
            }
            if (duration > 0) {
                video.lastDuration = (int) duration; // two frames with one timestamp are no frame rate
            }
            samples.set(i, new FragmentWriter.Sample(s.payload(), s.offset(), s.length(), s.dts(),
                    (int) duration, s.compositionOffset(), s.sync()));
        }
    }

    static FragmentWriter.Sample audioSample(Track audio, MediaFrame f, PayloadLayout layout) {
        AudioFormat format = audio.audio;
        long fromTimestamp = Math.round(f.timestamp() * (double) format.sampleRate() / 1000);
        int duration = format.duration(f.payload(), layout.offset());
        if (duration <= 0) {
            duration = format.sampleRate() / 50; // a malformed Opus TOC: assume the usual 20 ms
        }
        long dts = fromTimestamp;
        if (audio.expectedDts >= 0 && fromTimestamp - audio.expectedDts <= duration / 2) {
            // Within half a frame (the ms rounding), or behind: the sample clock. A track's
            // samples are contiguous in a trun, so time can only jump forward, over a gap.
            dts = audio.expectedDts;
        }
        audio.expectedDts = dts + duration;
        ByteBuf payload = f.payload();
        return new FragmentWriter.Sample(payload, layout.offset(), payload.writerIndex() - layout.offset(),
                dts, duration, 0, true);
    }

    /**
     * In a trun a sample starts where the previous one ends, so a gap before an audio frame is
     * expressed by stretching the frame before it within the fragment; across fragments the next
     * tfdt carries it.
     */
    static void closeAudioGaps(List<FragmentWriter.Sample> samples) {
        for (int i = 0; i + 1 < samples.size(); i++) {
            FragmentWriter.Sample s = samples.get(i);
            long gap = samples.get(i + 1).dts() - s.dts();
            if (gap != s.duration()) {
                samples.set(i, new FragmentWriter.Sample(s.payload(), s.offset(), s.length(), s.dts(),
                        (int) gap, 0, true));
            }
        }
    }

    /**
     * AV1 in ISO BMFF (AV1-ISOBMFF 2.4): temporal delimiter OBUs should not be in samples; RTMP
     * frames from ffmpeg start with one. Returns the length of a leading one (header, optional
     * extension byte, a zero size), else 0.
     */
    private static int temporalDelimiterLength(ByteBuf payload, int offset) {
        int end = payload.writerIndex();
        if (end - offset < 2) {
            return 0;
        }
        int header = payload.getUnsignedByte(offset);
        if (((header >> 3) & 0x0f) != 2 || (header & 0x02) == 0) {
            return 0;
        }
        int sizeAt = offset + ((header & 0x04) != 0 ? 2 : 1);
        return sizeAt < end && payload.getByte(sizeAt) == 0 && sizeAt + 1 < end ? sizeAt + 1 - offset : 0;
    }
}
