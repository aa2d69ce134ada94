package io.sluice.common.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;

/**
 * Lets any Jackson {@code ObjectMapper} carry a {@link SluiceConfig}, in the same snake_case,
 * text-valued form as {@link ConfigLoader#toJson}, and with the same checks when read back.
 */
final class ConfigJson {

    static final JsonFactory JSON = JsonFactory.builder().build();

    /** The source name in errors about configuration read from JSON. */
    static final String SOURCE = "json";

    private ConfigJson() {
    }

    static final class Serializer extends StdSerializer<SluiceConfig> {
        Serializer() {
            super(SluiceConfig.class);
        }

        @Override
        public void serialize(SluiceConfig value, JsonGenerator out, SerializerProvider provider) throws IOException {
            ConfigSchema.ROOT.write(value, out);
        }
    }

    static final class Deserializer extends StdDeserializer<SluiceConfig> {
        Deserializer() {
            super(SluiceConfig.class);
        }

        @Override
        public SluiceConfig deserialize(JsonParser in, DeserializationContext context) throws IOException {
            try {
                return ConfigSchema.ROOT.read(ConfigTreeReader.read(in, SOURCE, false), "", SOURCE);
            } catch (ConfigException e) {
                throw JsonMappingException.from(in, e.getMessage(), e);
            }
        }
    }
}
