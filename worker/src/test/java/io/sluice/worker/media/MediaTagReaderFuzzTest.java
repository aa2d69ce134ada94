package io.sluice.worker.media;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link MediaTagReader#inspect}, which looks at the body of every
 * audio and video message a publisher sends. The first input byte's low bit chooses audio (0)
 * or video (1); the rest is the message body. The property is the one of
 * {@link MediaTagReaderRobustnessTest}: whatever the bytes, inspection returns a tag without
 * throwing, leaves the buffer as it was and never claims flags that contradict each other. The
 * corpus holds legacy and enhanced-RTMP (FourCC, ModEx, multitrack) headers of every codec.
 */
class MediaTagReaderFuzzTest {

    @FuzzTest
    void inspect(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int type = (input[0] & 1) == 0 ? MediaTagReader.AUDIO_MESSAGE : MediaTagReader.VIDEO_MESSAGE;
        MediaTagReaderRobustnessTest.checkSafe(type, Arrays.copyOfRange(input, 1, input.length));
    }
}
