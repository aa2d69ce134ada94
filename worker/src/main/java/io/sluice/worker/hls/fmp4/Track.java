package io.sluice.worker.hls.fmp4;

/**
 * One track of the muxer: its format and id, and what carries its timing from one fragment to the
 * next. Used on the muxer's thread only.
 */
final class Track {

    /** Sample duration assumed for a fragment's last video frame before any duration is known: 1/30 s. */
    static final int DEFAULT_VIDEO_DURATION = 3000;

    final int id;
    final VideoFormat video;
    final AudioFormat audio;
    final int timescale;
    /** Video: the duration of the last frame whose successor was seen, the estimate for a fragment's last frame. */
    int lastDuration;
    /** Audio: where the next frame starts if it follows the previous one without a gap; -1 before any. */
    long expectedDts = -1;

    private Track(int id, VideoFormat video, AudioFormat audio, int timescale, int lastDuration) {
        this.id = id;
        this.video = video;
        this.audio = audio;
        this.timescale = timescale;
        this.lastDuration = lastDuration;
    }

    static Track video(int id, VideoFormat format) {
        return new Track(id, format, null, Fmp4Muxer.VIDEO_TIMESCALE, DEFAULT_VIDEO_DURATION);
    }

    static Track audio(int id, AudioFormat format) {
        return new Track(id, null, format, format.sampleRate(), 0);
    }

    boolean isVideo() {
        return video != null;
    }

    String codec() {
        return video != null ? video.codec() : audio.codec();
    }
}
