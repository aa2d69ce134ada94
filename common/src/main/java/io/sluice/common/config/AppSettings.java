package io.sluice.common.config;

import io.sluice.common.access.AccessRule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What one application (the {@code APP} in {@code rtmp://host/APP/NAME}) allows: one entry of
 * {@code apps}. See conf/sluice.yaml for each key.
 *
 * @param publish       who may publish: rules read in order, the first match decides, none matching allows
 * @param play          who may play, the same way
 * @param secrets       secrets signed URLs may be made with; the first is the one {@code bin/ctl sign} uses
 * @param signed        which actions need a signed URL
 * @param nmsSign       whether Node-Media-Server's {@code sign=EXP-MD5} form is accepted as well
 * @param onConnect     hook URL, {@link HookSettings#OFF} or {@link #INHERIT} (the one in {@code hooks})
 * @param onPublish     the same, for publish
 * @param onPlay        the same, for play
 * @param onPublishDone the same, when a publish ends
 * @param onPlayDone    the same, when a play ends
 * @param maxStreams    streams the app may have published at once, all workers together; 0 for no limit
 * @param maxPlayersPerStream players one stream may have, all workers and protocols together; 0 for no limit
 * @param maxPublishersPerIp publishers one client address may have in the app at once; 0 for no limit
 */
public record AppSettings(List<AccessRule> publish, List<AccessRule> play, List<String> secrets, Signed signed,
                          boolean nmsSign, String onConnect, String onPublish, String onPlay,
                          String onPublishDone, String onPlayDone, int maxStreams, int maxPlayersPerStream,
                          int maxPublishersPerIp) {

    /** An app's hook key that takes the URL from the {@code hooks} section. */
    public static final String INHERIT = "inherit";

    /** Which actions need a signed URL. */
    public enum Signed {
        NONE, PUBLISH, PLAY, ALL;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean publish() {
            return this == PUBLISH || this == ALL;
        }

        public boolean play() {
            return this == PLAY || this == ALL;
        }
    }

    public AppSettings {
        publish = List.copyOf(publish);
        play = List.copyOf(play);
        secrets = List.copyOf(secrets);
        Objects.requireNonNull(signed, "signed");
        Objects.requireNonNull(onConnect, "onConnect");
        Objects.requireNonNull(onPublish, "onPublish");
        Objects.requireNonNull(onPlay, "onPlay");
        Objects.requireNonNull(onPublishDone, "onPublishDone");
        Objects.requireNonNull(onPlayDone, "onPlayDone");
    }

    /** An app that lets everyone publish and play, with the global hooks: what {@code live: {}} means. */
    public static AppSettings defaults() {
        return new AppSettings(List.of(), List.of(), List.of(), Signed.NONE, false, INHERIT, INHERIT, INHERIT,
                INHERIT, INHERIT, 0, 0, 0);
    }

    /** Whether any limit is set, so that admissions must be counted (cluster-wide, at the master). */
    public boolean hasLimits() {
        return maxStreams > 0 || maxPlayersPerStream > 0 || maxPublishersPerIp > 0;
    }

    /**
     * The same settings with each secret replaced by a short fingerprint, for diffs and logs: a
     * rotation shows as a change, the secret itself never leaves the configuration.
     */
    AppSettings redacted() {
        List<String> shown = secrets.stream().map(AppSettings::fingerprint).toList();
        return new AppSettings(publish, play, shown, signed, nmsSign, onConnect, onPublish, onPlay, onPublishDone,
                onPlayDone, maxStreams, maxPlayersPerStream, maxPublishersPerIp);
    }

    private static String fingerprint(String secret) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "secret:sha256:" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
