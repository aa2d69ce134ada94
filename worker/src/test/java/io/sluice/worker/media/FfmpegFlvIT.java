package io.sluice.worker.media;

import io.sluice.common.testing.Processes;
import io.sluice.worker.it.TestMedia;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads an FLV file written by a real ffmpeg (libx264 + AAC, GOP of 30) and checks what the GOP
 * cache relies on: both sequence headers come first, and key frames sit exactly every 30 frames.
 * Needs {@code ffmpeg} on the PATH: skipped without it, except on CI ({@code CI=true}) where a
 * missing ffmpeg is a failure.
 */
class FfmpegFlvIT {

    private static final int FPS = 30;
    private static final int GOP = 30;
    private static final int SECONDS = 2;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readsFfmpegOutput(@TempDir Path dir) throws Exception {
        Path flv = dir.resolve("out.flv");
        try (Processes processes = new Processes()) {
            TestMedia.writeFlv(processes, flv, SECONDS);
        }

        List<MediaTag> video = new ArrayList<>();
        List<MediaTag> audio = new ArrayList<>();
        long lastVideoTimestamp = -1;
        try (FlvReader reader = new FlvReader(flv)) {
            assertTrue(reader.hasAudio());
            assertTrue(reader.hasVideo());
            FlvTag tag;
            while ((tag = reader.next()) != null) {
                try {
                    if (tag.type() == FlvTag.VIDEO) {
                        video.add(MediaTagReader.inspect(tag.type(), tag.payload()));
                        assertTrue(tag.unsignedTimestamp() >= lastVideoTimestamp, "video timestamps go back");
                        lastVideoTimestamp = tag.unsignedTimestamp();
                    } else if (tag.type() == FlvTag.AUDIO) {
                        audio.add(MediaTagReader.inspect(tag.type(), tag.payload()));
                    }
                } finally {
                    tag.release();
                }
            }
        }

        assertFalse(video.isEmpty(), "no video tags");
        assertFalse(audio.isEmpty(), "no audio tags");
        MediaTag videoHeader = video.get(0);
        assertEquals("avc1", videoHeader.codec());
        assertTrue(videoHeader.sequenceHeader(), "first video tag is not the AVC sequence header: " + videoHeader);
        assertFalse(videoHeader.keyframe());
        MediaTag audioHeader = audio.get(0);
        assertEquals("mp4a", audioHeader.codec());
        assertTrue(audioHeader.sequenceHeader(), "first audio tag is not the AAC sequence header: " + audioHeader);

        // ffmpeg's FLV muxer ends H.264 with an AVCPacketType 2 (end of sequence) tag in its trailer.
        MediaTag videoEnd = video.get(video.size() - 1);
        assertTrue(videoEnd.sequenceEnd(), "last video tag is not the end of sequence: " + videoEnd);
        assertFalse(videoEnd.keyframe() || videoEnd.droppable());

        List<MediaTag> frames = video.subList(1, video.size() - 1);
        assertEquals(FPS * SECONDS, frames.size(), "coded video frames");
        for (int i = 0; i < frames.size(); i++) {
            MediaTag frame = frames.get(i);
            assertEquals("avc1", frame.codec());
            assertEquals(PacketType.CODED_FRAMES, frame.packetType(), "frame " + i);
            assertEquals(i % GOP == 0, frame.keyframe(), "frame " + i + ": " + frame);
            assertEquals(i % GOP != 0, frame.droppable(), "frame " + i + ": " + frame);
        }
        for (MediaTag frame : audio.subList(1, audio.size())) {
            assertEquals("mp4a", frame.codec());
            assertEquals(PacketType.CODED_FRAMES, frame.packetType());
        }
    }
}
