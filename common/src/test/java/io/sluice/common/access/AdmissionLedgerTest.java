package io.sluice.common.access;

import io.sluice.common.config.AppSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.sluice.common.access.AdmissionLedger.Kind.PLAY;
import static io.sluice.common.access.AdmissionLedger.Kind.PUBLISH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdmissionLedgerTest {

    private static AppSettings limits(int streams, int players, int perIp) {
        AppSettings d = AppSettings.defaults();
        return new AppSettings(d.publish(), d.play(), List.of(), d.signed(), false, d.onConnect(), d.onPublish(),
                d.onPlay(), d.onPublishDone(), d.onPlayDone(), streams, players, perIp);
    }

    @Test
    void playersPerStreamAcrossOwners() {
        AdmissionLedger ledger = new AdmissionLedger();
        AppSettings l = limits(0, 2, 0);
        assertNull(ledger.admit("w1", "a", PLAY, "live", "cam", "10.0.0.1", l));
        assertNull(ledger.admit("w2", "a", PLAY, "live", "cam", "10.0.0.2", l), "tickets are per owner");
        String refused = ledger.admit("w2", "b", PLAY, "live", "cam", "10.0.0.3", l);
        assertEquals("live/cam has 2 players, the most a stream of live may (apps.live.max_players_per_stream)", refused);
        assertNull(ledger.admit("w2", "b", PLAY, "live", "other", "10.0.0.3", l), "another stream has its own count");
        ledger.leave("w1", "a");
        assertNull(ledger.admit("w2", "c", PLAY, "live", "cam", "10.0.0.3", l));
        assertEquals(2, ledger.players("live/cam"));
        ledger.ownerGone("w2");
        assertEquals(0, ledger.players("live/cam"));
        assertEquals(0, ledger.size());
    }

    @Test
    void streamsPerAppAndPublishersPerAddress() {
        AdmissionLedger ledger = new AdmissionLedger();
        AppSettings l = limits(3, 0, 2);
        assertNull(ledger.admit("w1", "1", PUBLISH, "live", "a", "10.0.0.1", l));
        assertNull(ledger.admit("w1", "2", PUBLISH, "live", "b", "10.0.0.1", l));
        assertTrue(ledger.admit("w1", "3", PUBLISH, "live", "c", "10.0.0.1", l).contains("max_publishers_per_ip"));
        assertNull(ledger.admit("w2", "3", PUBLISH, "live", "c", "10.0.0.2", l));
        assertTrue(ledger.admit("w2", "4", PUBLISH, "live", "d", "10.0.0.3", l).contains("has 3 streams"));
        assertNull(ledger.admit("w2", "4", PUBLISH, "studio", "d", "10.0.0.3", l), "another app");
        assertNull(ledger.admit("w1", "1", PUBLISH, "live", "a", "10.0.0.1", l), "a repeated ticket is not counted twice");
        assertEquals(3, ledger.streams("live"));
        ledger.leave("w1", "2");
        assertNull(ledger.admit("w1", "5", PUBLISH, "live", "e", "10.0.0.1", l));
        ledger.leave("w1", "unknown"); // harmless
        assertEquals(3, ledger.streams("live"));
    }
}
