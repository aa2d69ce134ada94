package io.sluice.common.config;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigJsonTest {

    /** The form workers receive; it is the YAML's keys with the YAML's value forms. */
    private static final String DEFAULTS_JSON = "{\"workers\":\"auto\","
            + "\"rtmp\":{\"bind\":\"0.0.0.0\",\"port\":1935,\"chunk_size\":60000,\"max_message_size\":\"16MiB\","
            + "\"max_message_size_before_publish\":\"64KiB\",\"incomplete_message_budget\":\"64MiB\","
            + "\"max_chunk_streams\":64,\"handshake_timeout\":\"5s\",\"publisher_timeout\":\"10s\","
            + "\"idle_timeout\":\"1m\",\"ack_window\":5000000,\"peer_bandwidth\":5000000,\"max_connections\":0,"
            + "\"max_connections_total\":0,\"max_connections_per_ip\":0},"
            + "\"http\":{\"enabled\":true,\"bind\":\"0.0.0.0\",\"port\":8080,\"cors_origin\":\"*\","
            + "\"max_request_line\":\"4KiB\",\"max_header_size\":\"8KiB\",\"max_ws_frame\":\"4KiB\","
            + "\"request_timeout\":\"10s\"},"
            + "\"hls\":{\"enabled\":true,\"segment\":\"2s\",\"window\":6,\"grace\":\"30s\",\"keep\":\"1m\","
            + "\"format\":\"fmp4\",\"low_latency\":true,\"part\":\"200ms\",\"delta_updates\":false,\"path\":\"auto\"},"
            + "\"gop_cache\":{\"enabled\":true,\"max_frames\":2048,\"max_bytes\":\"32MiB\"},"
            + "\"players\":{\"write_buffer_high\":\"4MiB\",\"write_buffer_low\":\"2MiB\",\"slow_timeout\":\"10s\","
            + "\"play_wait_timeout\":\"0s\",\"idle_relay_linger\":\"5s\","
            + "\"audio_batch\":\"0s\",\"audio_batch_min_players\":1000,\"merge_writes\":\"0s\"},"
            + "\"apps\":{\"live\":{\"publish\":[],\"play\":[],\"secrets\":[],\"signed\":\"none\",\"nms_sign\":false,"
            + "\"on_connect\":\"inherit\",\"on_publish\":\"inherit\",\"on_play\":\"inherit\","
            + "\"on_publish_done\":\"inherit\",\"on_play_done\":\"inherit\",\"max_streams\":0,"
            + "\"max_players_per_stream\":0,\"max_publishers_per_ip\":0}},"
            + "\"hooks\":{\"on_connect\":\"off\",\"on_publish\":\"off\",\"on_play\":\"off\","
            + "\"on_publish_done\":\"off\",\"on_play_done\":\"off\",\"timeout\":\"5s\",\"cache\":\"0s\","
            + "\"retries\":3},"
            + "\"worker\":{\"threads\":\"auto\",\"jvm_options\":[\"-Xms32m\",\"-Xmx256m\",\"-XX:+UseSerialGC\","
            + "\"-XX:MaxDirectMemorySize=256m\",\"-Xss512k\"],"
            + "\"heartbeat_interval\":\"1s\",\"heartbeat_timeout\":\"3s\",\"stop_timeout\":\"10s\","
            + "\"drain_timeout\":\"5m\",\"respawn_max_failures\":5,\"respawn_window\":\"30s\","
            + "\"migrate_queued_connections\":true,\"transport\":\"auto\"},"
            + "\"log\":{\"level\":\"info\"},"
            + "\"paths\":{\"run_dir\":\"run\",\"log_dir\":\"logs\"},"
            + "\"api\":{\"listen\":\"127.0.0.1:1985\",\"token\":\"\",\"worker_timeout\":\"1s\","
            + "\"stream_metrics\":false,\"stream_metrics_max\":100},"
                + "\"cluster\":{\"redis\":\"\",\"node\":\"\",\"advertise\":\"\",\"secret\":\"\",\"lease_ttl\":\"10s\"}}";

    private static SluiceConfig allChanged() throws ConfigException {
        return ConfigLoader.load(ConfigLoaderTest.FIXTURES.resolve("all-changed.yaml"));
    }

    @Test
    void defaultsAsJson() {
        assertEquals(DEFAULTS_JSON, ConfigLoader.toJson(SluiceConfig.defaults()));
    }

    @Test
    void roundTripIsEqual() throws ConfigException {
        for (SluiceConfig config : new SluiceConfig[] {SluiceConfig.defaults(), allChanged()}) {
            String json = ConfigLoader.toJson(config);
            assertEquals(config, ConfigLoader.fromJson(json));
            assertEquals(json, ConfigLoader.toJson(ConfigLoader.fromJson(json)));
        }
    }

    @Test
    void fixedCountsAreJsonNumbers() throws Exception {
        JsonNode tree = new ObjectMapper().readTree(ConfigLoader.toJson(allChanged()));
        assertEquals(3, tree.get("workers").intValue());
        assertEquals(2, tree.get("worker").get("threads").intValue());
        assertEquals("1GiB", tree.get("players").get("write_buffer_high").textValue());
        assertEquals("2500ms", tree.get("rtmp").get("handshake_timeout").textValue());
        assertEquals(false, tree.get("gop_cache").get("enabled").booleanValue());
    }

    @Test
    void anyObjectMapperCarriesItInsideAMessage() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        SluiceConfig config = allChanged();
        assertEquals(ConfigLoader.toJson(config), mapper.writeValueAsString(config));

        // As the data of a channel message: embedded in a larger tree and read back from it.
        ObjectNode data = mapper.createObjectNode();
        data.set("settings", mapper.valueToTree(config));
        String wire = mapper.writeValueAsString(Map.of("method", "worker.updateSettings", "data", data));
        JsonNode back = mapper.readTree(wire).get("data").get("settings");
        assertEquals(config, mapper.treeToValue(back, SluiceConfig.class));
    }

    @Test
    void objectMapperRefusesBadSettingsWithTheKey() {
        String bad = DEFAULTS_JSON.replace("\"port\":1935", "\"port\":0");
        JsonMappingException e = assertThrows(JsonMappingException.class,
                () -> new ObjectMapper().readValue(bad, SluiceConfig.class));
        ConfigException cause = assertInstanceOf(ConfigException.class, e.getCause());
        assertEquals("rtmp.port", cause.key());
    }

    @Test
    void fromJsonChecksLikeTheLoader() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.fromJson(DEFAULTS_JSON.replace("\"port\":1935", "\"port\":\"abc\"")));
        ConfigException cause = assertInstanceOf(ConfigException.class, e.getCause());
        assertEquals("json", cause.source());
        assertEquals("rtmp.port", cause.key());
        assertEquals(1, cause.line());
        assertEquals("json:1:51: rtmp.port: expected an integer 1..65535, got 'abc'", cause.getMessage());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.fromJson("{\"rtmp\":{\"prot\":1}}"));
        assertEquals("rtmp.prot", ((ConfigException) unknown.getCause()).key());

        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> ConfigLoader.fromJson("{\"rtmp\":"));
        assertInstanceOf(ConfigException.class, broken.getCause());
    }
}
