package io.sluice.common.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.util.Objects;

/**
 * The whole Sluice configuration, as read from conf/sluice.yaml by {@link ConfigLoader}. A
 * value: two configurations are equal when every setting is.
 *
 * <p>Any Jackson {@code ObjectMapper} writes and reads it in the same snake_case form as
 * {@link ConfigLoader#toJson}, so it can travel inside a channel message as it is.
 */
@JsonSerialize(using = ConfigJson.Serializer.class)
@JsonDeserialize(using = ConfigJson.Deserializer.class)
public record SluiceConfig(WorkerCount workers, RtmpSettings rtmp, HttpSettings http, HlsSettings hls,
                           GopCacheSettings gopCache, PlayerSettings players,
                           WorkerSettings worker, LogSettings log, PathSettings paths) {

    public SluiceConfig {
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(hls, "hls");
        Objects.requireNonNull(gopCache, "gopCache");
        Objects.requireNonNull(players, "players");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(paths, "paths");
    }

    /** The built-in configuration, used when there is no file; the shipped conf/sluice.yaml says the same. */
    public static SluiceConfig defaults() {
        return new SluiceConfig(WorkerCount.AUTO, RtmpSettings.defaults(), HttpSettings.defaults(),
                HlsSettings.defaults(), GopCacheSettings.defaults(),
                PlayerSettings.defaults(), WorkerSettings.defaults(), LogSettings.defaults(), PathSettings.defaults());
    }
}
