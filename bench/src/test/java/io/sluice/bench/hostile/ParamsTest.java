package io.sluice.bench.hostile;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParamsTest {

    @Test
    void sizesTakeBinarySuffixes() {
        assertEquals(65536, Params.parseSize("64k"));
        assertEquals(1 << 20, Params.parseSize("1m"));
        assertEquals(200, Params.parseSize("200"));
    }

    @Test
    void everyKindBuildsWithItsDefaultsAndSaysWhatItDoes() {
        for (String kind : Attack.KINDS) {
            Attack a = Attack.of(kind, Params.none(kind));
            assertEquals(kind, a.kind());
            assertFalse(a.description().isBlank(), kind);
        }
    }

    @Test
    void parametersReachTheAttackAndOnlyItsOwn() {
        Map<String, String> all = Map.of("oversized-trickle.connections", "40", "oversized-trickle.bytes-per-second", "1m",
                "deep-amf.depth", "100");
        OversizedTrickle t = (OversizedTrickle) Attack.of("oversized-trickle", Params.select("oversized-trickle", all));
        assertEquals(40, t.connections());
        assertEquals(1 << 20, t.bytesPerSecond());
        assertEquals(Wire.MAX_MESSAGE_LENGTH, t.messageBytes());
        assertEquals(100, ((DeepAmf) Attack.of("deep-amf", Params.select("deep-amf", all))).depth());
    }

    @Test
    void aMistypedParameterIsAnErrorNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Attack.of("deep-amf", new Params("deep-amf", Map.of("dpeth", "10"))));
        assertTrue(e.getMessage().contains("'dpeth'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Attack.of("no-such-attack", Params.none("x")));
        assertThrows(IllegalArgumentException.class,
                () -> Attack.of("oversized-trickle", new Params("oversized-trickle", Map.of("message-bytes", "16m"))));
    }
}
