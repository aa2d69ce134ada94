package io.sluice.common.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
                           Map<String, AppSettings> apps, HookSettings hooks,
                           WorkerSettings worker, LogSettings log, PathSettings paths,
                           ApiSettings api, ClusterSettings cluster) {

    public SluiceConfig {
        Objects.requireNonNull(workers, "workers");
        Objects.requireNonNull(rtmp, "rtmp");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(hls, "hls");
        Objects.requireNonNull(gopCache, "gopCache");
        Objects.requireNonNull(players, "players");
        apps = Collections.unmodifiableMap(new LinkedHashMap<>(apps));
        if (apps.isEmpty()) {
            throw new IllegalArgumentException("apps must name at least one application");
        }
        Objects.requireNonNull(hooks, "hooks");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** The one application served when the configuration names none: {@code rtmp://host/live/NAME}. */
    public static final String DEFAULT_APP = "live";

    /** The built-in configuration, used when there is no file; the shipped conf/sluice.yaml says the same. */
    public static SluiceConfig defaults() {
        return new SluiceConfig(WorkerCount.AUTO, RtmpSettings.defaults(), HttpSettings.defaults(),
                HlsSettings.defaults(), GopCacheSettings.defaults(),
                PlayerSettings.defaults(), Map.of(DEFAULT_APP, AppSettings.defaults()), HookSettings.defaults(),
                WorkerSettings.defaults(), LogSettings.defaults(), PathSettings.defaults(),
                ApiSettings.defaults(), ClusterSettings.defaults());
    }
}
