package io.sluice.worker.access;

/** What a client asks for, with nginx-rtmp's name for it (the {@code call} field of a hook). */
public enum Call {
    CONNECT("connect"), PUBLISH("publish"), PLAY("play"), PUBLISH_DONE("publish_done"), PLAY_DONE("play_done");

    private final String text;

    Call(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
