package io.sluice.common.config;

import io.sluice.common.config.SectionType.CrossCheck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.sluice.common.config.ConfigDiff.Apply.IN_PLACE;
import static io.sluice.common.config.ConfigDiff.Apply.NEW_GENERATION;
import static io.sluice.common.config.ConfigDiff.Apply.RESTART;
import static io.sluice.common.config.ScalarTypes.duration;
import static io.sluice.common.config.ScalarTypes.integer;
import static io.sluice.common.config.ScalarTypes.size;

/**
 * Every key of sluice.yaml, in file order: name, type and range, how a reload applies it, and
 * where it lives in the record tree. conf/sluice.yaml documents the same; tests keep them in step.
 */
final class ConfigSchema {

    private static final int KIB = 1 << 10;
    private static final int MIB = 1 << 20;
    private static final int GIB = 1 << 30;
    private static final Duration ZERO = Duration.ZERO;

    private ConfigSchema() {
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static Duration s(long n) {
        return Duration.ofSeconds(n);
    }

    private static Duration min(long n) {
        return Duration.ofMinutes(n);
    }

    private static Duration h(long n) {
        return Duration.ofHours(n);
    }

    // ---- rtmp
    static final Key<RtmpSettings, String> BIND =
            Key.of("bind", NEW_GENERATION, ScalarTypes.address(), RtmpSettings::bind);
    static final Key<RtmpSettings, Integer> PORT =
            Key.of("port", NEW_GENERATION, integer(1, 65535), RtmpSettings::port);
    // RTMP 1.0, 5.4.1: the field holds up to 0x7FFFFFFF, but sizes above 0xFFFFFF are all the
    // same, as no message is longer than its 3-byte length field allows.
    static final Key<RtmpSettings, Integer> CHUNK_SIZE =
            Key.of("chunk_size", IN_PLACE, integer(128, 0xFFFFFF), RtmpSettings::chunkSize);
    static final Key<RtmpSettings, Integer> MAX_MESSAGE_SIZE =
            Key.of("max_message_size", IN_PLACE, size(KIB, 256 * MIB), RtmpSettings::maxMessageSize);
    // Commands and metadata stay far below it: only a publisher needs large messages.
    static final Key<RtmpSettings, Integer> MAX_MESSAGE_SIZE_BEFORE_PUBLISH = Key.of("max_message_size_before_publish",
            IN_PLACE, size(KIB, 256 * MIB), RtmpSettings::maxMessageSizeBeforePublish);
    static final Key<RtmpSettings, Integer> INCOMPLETE_MESSAGE_BUDGET = Key.of("incomplete_message_budget",
            IN_PLACE, size(MIB, GIB), RtmpSettings::incompleteMessageBudget);
    // RTMP 1.0, 5.3.1.1: chunk stream ids run from 2 to 65599 (0 and 1 select the longer
    // basic header forms), so the upper bound here is the same as no limit.
    static final Key<RtmpSettings, Integer> MAX_CHUNK_STREAMS =
            Key.of("max_chunk_streams", IN_PLACE, integer(2, 65599), RtmpSettings::maxChunkStreams);
    static final Key<RtmpSettings, Duration> HANDSHAKE_TIMEOUT =
            Key.of("handshake_timeout", IN_PLACE, duration(ms(100), min(10)), RtmpSettings::handshakeTimeout);
    static final Key<RtmpSettings, Duration> PUBLISHER_TIMEOUT =
            Key.of("publisher_timeout", IN_PLACE, duration(ms(100), h(1)), RtmpSettings::publisherTimeout);
    static final Key<RtmpSettings, Duration> IDLE_TIMEOUT =
            Key.of("idle_timeout", IN_PLACE, duration(ZERO, h(24)), RtmpSettings::idleTimeout);
    static final Key<RtmpSettings, Integer> ACK_WINDOW =
            Key.of("ack_window", IN_PLACE, integer(4096, Integer.MAX_VALUE), RtmpSettings::ackWindow);
    static final Key<RtmpSettings, Integer> PEER_BANDWIDTH =
            Key.of("peer_bandwidth", IN_PLACE, integer(4096, Integer.MAX_VALUE), RtmpSettings::peerBandwidth);
    static final Key<RtmpSettings, Integer> MAX_CONNECTIONS =
            Key.of("max_connections", IN_PLACE, integer(0, 1_000_000), RtmpSettings::maxConnections);
    static final Key<RtmpSettings, Integer> MAX_CONNECTIONS_TOTAL =
            Key.of("max_connections_total", IN_PLACE, integer(0, 100_000_000), RtmpSettings::maxConnectionsTotal);
    static final Key<RtmpSettings, Integer> MAX_CONNECTIONS_PER_IP =
            Key.of("max_connections_per_ip", IN_PLACE, integer(0, 1_000_000), RtmpSettings::maxConnectionsPerIp);

    static final SectionType<RtmpSettings> RTMP = new SectionType<>(RtmpSettings.defaults(),
            List.of(BIND, PORT, CHUNK_SIZE, MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE_BEFORE_PUBLISH,
                    INCOMPLETE_MESSAGE_BUDGET, MAX_CHUNK_STREAMS, HANDSHAKE_TIMEOUT, PUBLISHER_TIMEOUT,
                    IDLE_TIMEOUT, ACK_WINDOW, PEER_BANDWIDTH, MAX_CONNECTIONS, MAX_CONNECTIONS_TOTAL,
                    MAX_CONNECTIONS_PER_IP),
            v -> new RtmpSettings(v.get(BIND), v.get(PORT), v.get(CHUNK_SIZE), v.get(MAX_MESSAGE_SIZE),
                    v.get(MAX_MESSAGE_SIZE_BEFORE_PUBLISH), v.get(INCOMPLETE_MESSAGE_BUDGET), v.get(MAX_CHUNK_STREAMS),
                    v.get(HANDSHAKE_TIMEOUT), v.get(PUBLISHER_TIMEOUT), v.get(IDLE_TIMEOUT), v.get(ACK_WINDOW),
                    v.get(PEER_BANDWIDTH), v.get(MAX_CONNECTIONS), v.get(MAX_CONNECTIONS_TOTAL),
                    v.get(MAX_CONNECTIONS_PER_IP)),
            List.of(new CrossCheck<>(List.of(MAX_MESSAGE_SIZE_BEFORE_PUBLISH, MAX_MESSAGE_SIZE),
                            v -> v.get(MAX_MESSAGE_SIZE_BEFORE_PUBLISH) <= v.get(MAX_MESSAGE_SIZE) ? null
                                    : "max_message_size_before_publish ("
                                    + ByteSizeUtil.format(v.get(MAX_MESSAGE_SIZE_BEFORE_PUBLISH))
                                    + ") must not exceed max_message_size ("
                                    + ByteSizeUtil.format(v.get(MAX_MESSAGE_SIZE)) + ")"),
                    // A publisher's largest message must fit in the budget, or it could never arrive.
                    new CrossCheck<>(List.of(INCOMPLETE_MESSAGE_BUDGET, MAX_MESSAGE_SIZE),
                            v -> v.get(INCOMPLETE_MESSAGE_BUDGET) >= v.get(MAX_MESSAGE_SIZE) ? null
                                    : "incomplete_message_budget ("
                                    + ByteSizeUtil.format(v.get(INCOMPLETE_MESSAGE_BUDGET))
                                    + ") must be at least max_message_size ("
                                    + ByteSizeUtil.format(v.get(MAX_MESSAGE_SIZE)) + ")")));

    // ---- http
    // Binding or unbinding a port is what a new generation does; an old worker keeps its sockets.
    static final Key<HttpSettings, Boolean> HTTP_ENABLED =
            Key.of("enabled", NEW_GENERATION, ScalarTypes.bool(), HttpSettings::enabled);
    static final Key<HttpSettings, String> HTTP_BIND =
            Key.of("bind", NEW_GENERATION, ScalarTypes.address(), HttpSettings::bind);
    static final Key<HttpSettings, Integer> HTTP_PORT =
            Key.of("port", NEW_GENERATION, integer(1, 65535), HttpSettings::port);
    static final Key<HttpSettings, String> CORS_ORIGIN =
            Key.of("cors_origin", IN_PLACE, ScalarTypes.origin(), HttpSettings::corsOrigin);
    static final Key<HttpSettings, Integer> MAX_REQUEST_LINE =
            Key.of("max_request_line", IN_PLACE, size(256, 64 * KIB), HttpSettings::maxRequestLine);
    static final Key<HttpSettings, Integer> MAX_HEADER_SIZE =
            Key.of("max_header_size", IN_PLACE, size(KIB, MIB), HttpSettings::maxHeaderSize);
    // RFC 6455, 5.5: a control frame carries at most 125 bytes, and clients send nothing else.
    static final Key<HttpSettings, Integer> MAX_WS_FRAME =
            Key.of("max_ws_frame", IN_PLACE, size(125, MIB), HttpSettings::maxWsFrame);
    static final Key<HttpSettings, Duration> REQUEST_TIMEOUT =
            Key.of("request_timeout", IN_PLACE, duration(ms(100), min(10)), HttpSettings::requestTimeout);

    static final SectionType<HttpSettings> HTTP = new SectionType<>(HttpSettings.defaults(),
            List.of(HTTP_ENABLED, HTTP_BIND, HTTP_PORT, CORS_ORIGIN, MAX_REQUEST_LINE, MAX_HEADER_SIZE, MAX_WS_FRAME,
                    REQUEST_TIMEOUT),
            v -> new HttpSettings(v.get(HTTP_ENABLED), v.get(HTTP_BIND), v.get(HTTP_PORT), v.get(CORS_ORIGIN),
                    v.get(MAX_REQUEST_LINE), v.get(MAX_HEADER_SIZE), v.get(MAX_WS_FRAME), v.get(REQUEST_TIMEOUT)),
            List.of());

    // ---- hls
    static final Key<HlsSettings, Boolean> HLS_ENABLED =
            Key.of("enabled", IN_PLACE, ScalarTypes.bool(), HlsSettings::enabled);
    static final Key<HlsSettings, Duration> HLS_SEGMENT =
            Key.of("segment", IN_PLACE, duration(ms(500), s(60)), HlsSettings::segment);
    // RFC 8216, 6.2.2: a live playlist should list at least three target durations of media.
    static final Key<HlsSettings, Integer> HLS_WINDOW =
            Key.of("window", IN_PLACE, integer(3, 100), HlsSettings::window);
    static final Key<HlsSettings, Duration> HLS_GRACE =
            Key.of("grace", IN_PLACE, duration(ZERO, h(1)), HlsSettings::grace);
    static final Key<HlsSettings, Duration> HLS_KEEP =
            Key.of("keep", IN_PLACE, duration(ZERO, h(24)), HlsSettings::keep);
    static final Key<HlsSettings, String> HLS_FORMAT =
            Key.of("format", IN_PLACE, ScalarTypes.oneOf("mpegts", "fmp4"), HlsSettings::format);
    static final Key<HlsSettings, Boolean> HLS_LOW_LATENCY =
            Key.of("low_latency", IN_PLACE, ScalarTypes.bool(), HlsSettings::lowLatency);
    // RFC 8216bis 4.4.3.7: part targets of a few hundred ms; past 2s a part is a segment.
    static final Key<HlsSettings, Duration> HLS_PART =
            Key.of("part", IN_PLACE, duration(ms(100), s(2)), HlsSettings::part);
    // Off by default: hls.js 1.6 fell 3.6 and 12 s behind live with them, 1.1 s without (docs/benchmarks.md).
    static final Key<HlsSettings, Boolean> HLS_DELTA_UPDATES =
            Key.of("delta_updates", IN_PLACE, ScalarTypes.bool(), HlsSettings::deltaUpdates);
    // Workers of one generation must agree on where the files are: the owner writes, all serve.
    static final Key<HlsSettings, String> HLS_PATH =
            Key.of("path", NEW_GENERATION, ScalarTypes.autoOrPath(), HlsSettings::path);

    static final SectionType<HlsSettings> HLS = new SectionType<>(HlsSettings.defaults(),
            List.of(HLS_ENABLED, HLS_SEGMENT, HLS_WINDOW, HLS_GRACE, HLS_KEEP, HLS_FORMAT, HLS_LOW_LATENCY, HLS_PART,
                    HLS_DELTA_UPDATES, HLS_PATH),
            v -> new HlsSettings(v.get(HLS_ENABLED), v.get(HLS_SEGMENT), v.get(HLS_WINDOW), v.get(HLS_GRACE),
                    v.get(HLS_KEEP), v.get(HLS_FORMAT), v.get(HLS_LOW_LATENCY), v.get(HLS_PART),
                    v.get(HLS_DELTA_UPDATES), v.get(HLS_PATH)),
            List.of());

    // ---- gop_cache
    static final Key<GopCacheSettings, Boolean> GOP_ENABLED =
            Key.of("enabled", IN_PLACE, ScalarTypes.bool(), GopCacheSettings::enabled);
    static final Key<GopCacheSettings, Integer> GOP_MAX_FRAMES =
            Key.of("max_frames", IN_PLACE, integer(1, 1_000_000), GopCacheSettings::maxFrames);
    static final Key<GopCacheSettings, Integer> GOP_MAX_BYTES =
            Key.of("max_bytes", IN_PLACE, size(64 * KIB, GIB), GopCacheSettings::maxBytes);

    static final SectionType<GopCacheSettings> GOP_CACHE = new SectionType<>(GopCacheSettings.defaults(),
            List.of(GOP_ENABLED, GOP_MAX_FRAMES, GOP_MAX_BYTES),
            v -> new GopCacheSettings(v.get(GOP_ENABLED), v.get(GOP_MAX_FRAMES), v.get(GOP_MAX_BYTES)),
            List.of());

    // ---- players
    static final Key<PlayerSettings, Integer> WRITE_BUFFER_HIGH =
            Key.of("write_buffer_high", IN_PLACE, size(KIB, GIB), PlayerSettings::writeBufferHigh);
    static final Key<PlayerSettings, Integer> WRITE_BUFFER_LOW =
            Key.of("write_buffer_low", IN_PLACE, size(0, GIB), PlayerSettings::writeBufferLow);
    static final Key<PlayerSettings, Duration> SLOW_TIMEOUT =
            Key.of("slow_timeout", IN_PLACE, duration(ms(100), h(1)), PlayerSettings::slowTimeout);
    static final Key<PlayerSettings, Duration> PLAY_WAIT_TIMEOUT =
            Key.of("play_wait_timeout", IN_PLACE, duration(ZERO, h(24)), PlayerSettings::playWaitTimeout);
    static final Key<PlayerSettings, Duration> IDLE_RELAY_LINGER =
            Key.of("idle_relay_linger", IN_PLACE, duration(ZERO, h(1)), PlayerSettings::idleRelayLinger);
    static final Key<PlayerSettings, Duration> AUDIO_BATCH =
            Key.of("audio_batch", IN_PLACE, duration(ZERO, ms(200)), PlayerSettings::audioBatch);
    static final Key<PlayerSettings, Integer> AUDIO_BATCH_MIN_PLAYERS =
            Key.of("audio_batch_min_players", IN_PLACE, integer(0, 1_000_000), PlayerSettings::audioBatchMinPlayers);
    static final Key<PlayerSettings, Duration> MERGE_WRITES =
            Key.of("merge_writes", IN_PLACE, duration(ZERO, s(1)), PlayerSettings::mergeWrites);

    static final SectionType<PlayerSettings> PLAYERS = new SectionType<>(PlayerSettings.defaults(),
            List.of(WRITE_BUFFER_HIGH, WRITE_BUFFER_LOW, SLOW_TIMEOUT, PLAY_WAIT_TIMEOUT, IDLE_RELAY_LINGER,
                    AUDIO_BATCH, AUDIO_BATCH_MIN_PLAYERS, MERGE_WRITES),
            v -> new PlayerSettings(v.get(WRITE_BUFFER_HIGH), v.get(WRITE_BUFFER_LOW), v.get(SLOW_TIMEOUT),
                    v.get(PLAY_WAIT_TIMEOUT), v.get(IDLE_RELAY_LINGER), v.get(AUDIO_BATCH),
                    v.get(AUDIO_BATCH_MIN_PLAYERS), v.get(MERGE_WRITES)),
            List.of(new CrossCheck<>(List.of(WRITE_BUFFER_LOW, WRITE_BUFFER_HIGH),
                    v -> v.get(WRITE_BUFFER_LOW) < v.get(WRITE_BUFFER_HIGH) ? null
                            : "write_buffer_low (" + ByteSizeUtil.format(v.get(WRITE_BUFFER_LOW))
                            + ") must be less than write_buffer_high ("
                            + ByteSizeUtil.format(v.get(WRITE_BUFFER_HIGH)) + ")")));

    // ---- apps: each entry one application and what it allows
    static final Key<AppSettings, List<io.sluice.common.access.AccessRule>> APP_PUBLISH = Key.of("publish", IN_PLACE,
            new ScalarListType<>(ScalarTypes.accessRule(), "access rules"), AppSettings::publish);
    static final Key<AppSettings, List<io.sluice.common.access.AccessRule>> APP_PLAY = Key.of("play", IN_PLACE,
            new ScalarListType<>(ScalarTypes.accessRule(), "access rules"), AppSettings::play);
    static final Key<AppSettings, List<String>> APP_SECRETS = Key.of("secrets", IN_PLACE,
            new ScalarListType<>(ScalarTypes.secret(), "secrets"), AppSettings::secrets);
    static final Key<AppSettings, AppSettings.Signed> APP_SIGNED =
            Key.of("signed", IN_PLACE, ScalarTypes.signed(), AppSettings::signed);
    static final Key<AppSettings, Boolean> APP_NMS_SIGN =
            Key.of("nms_sign", IN_PLACE, ScalarTypes.bool(), AppSettings::nmsSign);
    static final Key<AppSettings, String> APP_ON_CONNECT =
            Key.of("on_connect", IN_PLACE, ScalarTypes.hookUrl(true), AppSettings::onConnect);
    static final Key<AppSettings, String> APP_ON_PUBLISH =
            Key.of("on_publish", IN_PLACE, ScalarTypes.hookUrl(true), AppSettings::onPublish);
    static final Key<AppSettings, String> APP_ON_PLAY =
            Key.of("on_play", IN_PLACE, ScalarTypes.hookUrl(true), AppSettings::onPlay);
    static final Key<AppSettings, String> APP_ON_PUBLISH_DONE =
            Key.of("on_publish_done", IN_PLACE, ScalarTypes.hookUrl(true), AppSettings::onPublishDone);
    static final Key<AppSettings, String> APP_ON_PLAY_DONE =
            Key.of("on_play_done", IN_PLACE, ScalarTypes.hookUrl(true), AppSettings::onPlayDone);
    static final Key<AppSettings, Integer> APP_MAX_STREAMS =
            Key.of("max_streams", IN_PLACE, integer(0, 1_000_000), AppSettings::maxStreams);
    static final Key<AppSettings, Integer> APP_MAX_PLAYERS_PER_STREAM =
            Key.of("max_players_per_stream", IN_PLACE, integer(0, 100_000_000), AppSettings::maxPlayersPerStream);
    static final Key<AppSettings, Integer> APP_MAX_PUBLISHERS_PER_IP =
            Key.of("max_publishers_per_ip", IN_PLACE, integer(0, 1_000_000), AppSettings::maxPublishersPerIp);

    static final SectionType<AppSettings> APP = new SectionType<>(AppSettings.defaults(),
            List.of(APP_PUBLISH, APP_PLAY, APP_SECRETS, APP_SIGNED, APP_NMS_SIGN, APP_ON_CONNECT, APP_ON_PUBLISH,
                    APP_ON_PLAY, APP_ON_PUBLISH_DONE, APP_ON_PLAY_DONE, APP_MAX_STREAMS, APP_MAX_PLAYERS_PER_STREAM,
                    APP_MAX_PUBLISHERS_PER_IP),
            v -> new AppSettings(v.get(APP_PUBLISH), v.get(APP_PLAY), v.get(APP_SECRETS), v.get(APP_SIGNED),
                    v.get(APP_NMS_SIGN), v.get(APP_ON_CONNECT), v.get(APP_ON_PUBLISH), v.get(APP_ON_PLAY),
                    v.get(APP_ON_PUBLISH_DONE), v.get(APP_ON_PLAY_DONE), v.get(APP_MAX_STREAMS),
                    v.get(APP_MAX_PLAYERS_PER_STREAM), v.get(APP_MAX_PUBLISHERS_PER_IP)),
            List.of(new CrossCheck<>(List.of(APP_SIGNED, APP_SECRETS),
                    v -> v.get(APP_SIGNED) == AppSettings.Signed.NONE || !v.get(APP_SECRETS).isEmpty() ? null
                            : "signed is " + v.get(APP_SIGNED).text() + " but secrets is empty: no URL could be valid"),
                    new CrossCheck<>(List.of(APP_NMS_SIGN, APP_SIGNED),
                            v -> !v.get(APP_NMS_SIGN) || v.get(APP_SIGNED) != AppSettings.Signed.NONE ? null
                                    : "nms_sign accepts another form of signed URL, but signed is none")));

    // ---- hooks
    static final Key<HookSettings, String> ON_CONNECT =
            Key.of("on_connect", IN_PLACE, ScalarTypes.hookUrl(false), HookSettings::onConnect);
    static final Key<HookSettings, String> ON_PUBLISH =
            Key.of("on_publish", IN_PLACE, ScalarTypes.hookUrl(false), HookSettings::onPublish);
    static final Key<HookSettings, String> ON_PLAY =
            Key.of("on_play", IN_PLACE, ScalarTypes.hookUrl(false), HookSettings::onPlay);
    static final Key<HookSettings, String> ON_PUBLISH_DONE =
            Key.of("on_publish_done", IN_PLACE, ScalarTypes.hookUrl(false), HookSettings::onPublishDone);
    static final Key<HookSettings, String> ON_PLAY_DONE =
            Key.of("on_play_done", IN_PLACE, ScalarTypes.hookUrl(false), HookSettings::onPlayDone);
    static final Key<HookSettings, Duration> HOOK_TIMEOUT =
            Key.of("timeout", IN_PLACE, duration(ms(100), min(1)), HookSettings::timeout);
    static final Key<HookSettings, Duration> HOOK_CACHE =
            Key.of("cache", IN_PLACE, duration(ZERO, h(1)), HookSettings::cache);
    static final Key<HookSettings, Integer> HOOK_RETRIES =
            Key.of("retries", IN_PLACE, integer(0, 10), HookSettings::retries);

    static final SectionType<HookSettings> HOOKS = new SectionType<>(HookSettings.defaults(),
            List.of(ON_CONNECT, ON_PUBLISH, ON_PLAY, ON_PUBLISH_DONE, ON_PLAY_DONE, HOOK_TIMEOUT, HOOK_CACHE,
                    HOOK_RETRIES),
            v -> new HookSettings(v.get(ON_CONNECT), v.get(ON_PUBLISH), v.get(ON_PLAY), v.get(ON_PUBLISH_DONE),
                    v.get(ON_PLAY_DONE), v.get(HOOK_TIMEOUT), v.get(HOOK_CACHE), v.get(HOOK_RETRIES)),
            List.of());

    // ---- worker
    static final Key<WorkerSettings, ThreadCount> THREADS = Key.of("threads", NEW_GENERATION,
            ScalarTypes.autoOrCount(ThreadCount.MAX, ThreadCount.AUTO, ThreadCount::of), WorkerSettings::threads);
    static final Key<WorkerSettings, List<String>> JVM_OPTIONS =
            Key.of("jvm_options", NEW_GENERATION, new StringListType(), WorkerSettings::jvmOptions);
    static final Key<WorkerSettings, Duration> HEARTBEAT_INTERVAL =
            Key.of("heartbeat_interval", IN_PLACE, duration(ms(100), min(1)), WorkerSettings::heartbeatInterval);
    static final Key<WorkerSettings, Duration> HEARTBEAT_TIMEOUT =
            Key.of("heartbeat_timeout", IN_PLACE, duration(ms(200), min(10)), WorkerSettings::heartbeatTimeout);
    static final Key<WorkerSettings, Duration> STOP_TIMEOUT =
            Key.of("stop_timeout", IN_PLACE, duration(ms(100), min(10)), WorkerSettings::stopTimeout);
    static final Key<WorkerSettings, Duration> DRAIN_TIMEOUT =
            Key.of("drain_timeout", IN_PLACE, duration(ZERO, h(24)), WorkerSettings::drainTimeout);
    static final Key<WorkerSettings, Integer> RESPAWN_MAX_FAILURES =
            Key.of("respawn_max_failures", IN_PLACE, integer(1, 1000), WorkerSettings::respawnMaxFailures);
    static final Key<WorkerSettings, Duration> RESPAWN_WINDOW =
            Key.of("respawn_window", IN_PLACE, duration(s(1), h(24)), WorkerSettings::respawnWindow);

    static final Key<WorkerSettings, Boolean> MIGRATE_QUEUED_CONNECTIONS = Key.of("migrate_queued_connections",
            IN_PLACE, ScalarTypes.bool(), WorkerSettings::migrateQueuedConnections);

    static final Key<WorkerSettings, TransportChoice> TRANSPORT = Key.of("transport", NEW_GENERATION,
            ScalarTypes.transport(), WorkerSettings::transport);

    static final SectionType<WorkerSettings> WORKER = new SectionType<>(WorkerSettings.defaults(),
            List.of(THREADS, JVM_OPTIONS, HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, STOP_TIMEOUT, DRAIN_TIMEOUT,
                    RESPAWN_MAX_FAILURES, RESPAWN_WINDOW, MIGRATE_QUEUED_CONNECTIONS, TRANSPORT),
            v -> new WorkerSettings(v.get(THREADS), v.get(JVM_OPTIONS), v.get(HEARTBEAT_INTERVAL),
                    v.get(HEARTBEAT_TIMEOUT), v.get(STOP_TIMEOUT), v.get(DRAIN_TIMEOUT),
                    v.get(RESPAWN_MAX_FAILURES), v.get(RESPAWN_WINDOW), v.get(MIGRATE_QUEUED_CONNECTIONS),
                    v.get(TRANSPORT)),
            List.of(new CrossCheck<>(List.of(HEARTBEAT_TIMEOUT, HEARTBEAT_INTERVAL),
                    v -> v.get(HEARTBEAT_TIMEOUT).compareTo(v.get(HEARTBEAT_INTERVAL)) > 0 ? null
                            : "heartbeat_timeout (" + DurationUtil.format(v.get(HEARTBEAT_TIMEOUT))
                            + ") must be greater than heartbeat_interval ("
                            + DurationUtil.format(v.get(HEARTBEAT_INTERVAL)) + ")")));

    // ---- log
    static final Key<LogSettings, LogLevel> LEVEL =
            Key.of("level", IN_PLACE, ScalarTypes.logLevel(), LogSettings::level);

    static final SectionType<LogSettings> LOG = new SectionType<>(LogSettings.defaults(), List.of(LEVEL),
            v -> new LogSettings(v.get(LEVEL)), List.of());

    // ---- paths
    static final Key<PathSettings, Path> RUN_DIR = Key.of("run_dir", RESTART, ScalarTypes.path(), PathSettings::runDir);
    static final Key<PathSettings, Path> LOG_DIR = Key.of("log_dir", RESTART, ScalarTypes.path(), PathSettings::logDir);

    static final SectionType<PathSettings> PATHS = new SectionType<>(PathSettings.defaults(),
            List.of(RUN_DIR, LOG_DIR), v -> new PathSettings(v.get(RUN_DIR), v.get(LOG_DIR)), List.of());

    // ---- api
    // The master binds it once, at start: a new address needs a restart (workers do not care).
    static final Key<ApiSettings, String> API_LISTEN =
            Key.of("listen", RESTART, ScalarTypes.listen(), ApiSettings::listen);
    static final Key<ApiSettings, String> API_TOKEN =
            Key.of("token", IN_PLACE, ScalarTypes.token(), ApiSettings::token);
    static final Key<ApiSettings, Duration> API_WORKER_TIMEOUT =
            Key.of("worker_timeout", IN_PLACE, duration(ms(50), s(30)), ApiSettings::workerTimeout);
    static final Key<ApiSettings, Boolean> API_STREAM_METRICS =
            Key.of("stream_metrics", IN_PLACE, ScalarTypes.bool(), ApiSettings::streamMetrics);
    static final Key<ApiSettings, Integer> API_STREAM_METRICS_MAX =
            Key.of("stream_metrics_max", IN_PLACE, integer(1, 100_000), ApiSettings::streamMetricsMax);

    static final SectionType<ApiSettings> API = new SectionType<>(ApiSettings.defaults(),
            List.of(API_LISTEN, API_TOKEN, API_WORKER_TIMEOUT, API_STREAM_METRICS, API_STREAM_METRICS_MAX),
            v -> new ApiSettings(v.get(API_LISTEN), v.get(API_TOKEN), v.get(API_WORKER_TIMEOUT),
                    v.get(API_STREAM_METRICS), v.get(API_STREAM_METRICS_MAX)),
            // Anyone who can reach a non-loopback address could kick clients and reload.
            List.of(new CrossCheck<>(List.of(API_TOKEN, API_LISTEN),
                    v -> !v.get(API_TOKEN).isEmpty() || v.get(API_LISTEN).isEmpty()
                            || new ApiSettings(v.get(API_LISTEN), "", Duration.ZERO, false, 1).loopback() ? null
                            : "a token is required when listen (" + v.get(API_LISTEN)
                            + ") is not a loopback address")));

    // ---- cluster
    // The master connects to Redis and registers under its node name once, at start.
    static final Key<ClusterSettings, String> CLUSTER_REDIS =
            Key.of("redis", RESTART, ScalarTypes.redisUrl(), ClusterSettings::redis);
    static final Key<ClusterSettings, String> CLUSTER_NODE =
            Key.of("node", RESTART, ScalarTypes.nodeName(), ClusterSettings::node);
    static final Key<ClusterSettings, String> CLUSTER_ADVERTISE =
            Key.of("advertise", RESTART, ScalarTypes.advertise(), ClusterSettings::advertise);
    // Workers sign and check relay tokens with it: a rotation must reach every host at once.
    static final Key<ClusterSettings, String> CLUSTER_SECRET =
            Key.of("secret", RESTART, ScalarTypes.clusterSecret(), ClusterSettings::secret);
    // Renewed every third of it: two renewals may fail before a live host loses a name.
    static final Key<ClusterSettings, Duration> CLUSTER_LEASE_TTL =
            Key.of("lease_ttl", RESTART, duration(s(2), min(5)), ClusterSettings::leaseTtl);

    static final SectionType<ClusterSettings> CLUSTER = new SectionType<>(ClusterSettings.defaults(),
            List.of(CLUSTER_REDIS, CLUSTER_NODE, CLUSTER_ADVERTISE, CLUSTER_SECRET, CLUSTER_LEASE_TTL),
            v -> new ClusterSettings(v.get(CLUSTER_REDIS), v.get(CLUSTER_NODE), v.get(CLUSTER_ADVERTISE),
                    v.get(CLUSTER_SECRET), v.get(CLUSTER_LEASE_TTL)),
            // Without it any host that reaches the RTMP port could pass for a relay.
            List.of(new CrossCheck<>(List.of(CLUSTER_SECRET, CLUSTER_REDIS),
                    v -> v.get(CLUSTER_REDIS).isEmpty() || !v.get(CLUSTER_SECRET).isEmpty() ? null
                            : "a secret is required when redis is set: relays between hosts are signed with it")));

    // ---- the document
    static final Key<SluiceConfig, WorkerCount> WORKERS = Key.of("workers", NEW_GENERATION,
            ScalarTypes.autoOrCount(WorkerCount.MAX, WorkerCount.AUTO, WorkerCount::of), SluiceConfig::workers);
    private static final Key<SluiceConfig, RtmpSettings> IN_RTMP =
            Key.section("rtmp", RTMP, SluiceConfig::rtmp);
    private static final Key<SluiceConfig, HttpSettings> IN_HTTP =
            Key.section("http", HTTP, SluiceConfig::http);
    private static final Key<SluiceConfig, HlsSettings> IN_HLS =
            Key.section("hls", HLS, SluiceConfig::hls);
    private static final Key<SluiceConfig, GopCacheSettings> IN_GOP_CACHE =
            Key.section("gop_cache", GOP_CACHE, SluiceConfig::gopCache);
    private static final Key<SluiceConfig, PlayerSettings> IN_PLAYERS =
            Key.section("players", PLAYERS, SluiceConfig::players);
    static final Key<SluiceConfig, java.util.Map<String, AppSettings>> APPS =
            Key.of("apps", IN_PLACE, new AppMapType(APP), SluiceConfig::apps);
    private static final Key<SluiceConfig, HookSettings> IN_HOOKS =
            Key.section("hooks", HOOKS, SluiceConfig::hooks);
    private static final Key<SluiceConfig, WorkerSettings> IN_WORKER =
            Key.section("worker", WORKER, SluiceConfig::worker);
    private static final Key<SluiceConfig, LogSettings> IN_LOG =
            Key.section("log", LOG, SluiceConfig::log);
    private static final Key<SluiceConfig, PathSettings> IN_PATHS =
            Key.section("paths", PATHS, SluiceConfig::paths);
    private static final Key<SluiceConfig, ApiSettings> IN_API =
            Key.section("api", API, SluiceConfig::api);
    private static final Key<SluiceConfig, ClusterSettings> IN_CLUSTER =
            Key.section("cluster", CLUSTER, SluiceConfig::cluster);

    static final SectionType<SluiceConfig> ROOT = new SectionType<>(SluiceConfig.defaults(),
            List.of(WORKERS, IN_RTMP, IN_HTTP, IN_HLS, IN_GOP_CACHE, IN_PLAYERS, APPS, IN_HOOKS, IN_WORKER, IN_LOG,
                    IN_PATHS, IN_API, IN_CLUSTER),
            v -> new SluiceConfig(v.get(WORKERS), v.get(IN_RTMP), v.get(IN_HTTP), v.get(IN_HLS), v.get(IN_GOP_CACHE),
                    v.get(IN_PLAYERS), v.get(APPS), v.get(IN_HOOKS), v.get(IN_WORKER), v.get(IN_LOG), v.get(IN_PATHS),
                    v.get(IN_API), v.get(IN_CLUSTER)),
            List.of());
}
