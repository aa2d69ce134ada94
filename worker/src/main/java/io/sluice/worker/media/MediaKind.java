package io.sluice.worker.media;

/** Whether a media payload came in an RTMP audio message (type 8) or video message (type 9). */
public enum MediaKind {
    AUDIO,
    VIDEO
}
