package io.sluice.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode result(String label, int players, double cpu, double p99All) throws Exception {
        return json.readTree(String.format(java.util.Locale.ROOT,
                "{\"label\":\"%s\",\"workload\":\"2000k\",\"players\":%d,\"cpuSecondsPerGbit\":%s,"
                        + "\"latencyMs\":{\"p50\":1,\"p99\":2,\"max\":3},"
                        + "\"latencyAllMs\":{\"p50\":1,\"p99\":%s,\"max\":%s},\"rssPerPlayerKb\":5}",
                label, players, cpu, p99All, p99All * 2));
    }

    /** Sluice at {@code cpuRatio} and {@code p99Ratio} of nginx-rtmp at both player counts. */
    private List<JsonNode> run(double cpuRatio, double p99Ratio) throws Exception {
        List<JsonNode> r = new ArrayList<>();
        for (int players : new int[] {100, 1000}) {
            r.add(result("sluice-1w", players, 0.2 * cpuRatio, 10 * p99Ratio));
            r.add(result("nginx-1w", players, 0.2, 10));
        }
        return r;
    }

    private JsonNode baseline(double cpuRatio, double p99Ratio) throws Exception {
        return Verdict.baseline(json, run(cpuRatio, p99Ratio), "run-x", "1 1 1");
    }

    @Test
    void theSameRatiosAreOk() throws Exception {
        Verdict.Outcome o = Verdict.judge(run(0.5, 0.9), baseline(0.5, 0.9));
        assertEquals(0, o.exitCode(), o.line());
        assertTrue(o.line().startsWith("VERDICT ok: 1000 players 0.50× nginx-rtmp (baseline 0.50×, tolerance ±25 %)"),
                o.line());
        assertTrue(o.line().contains("p99 all media 100 0.90× nginx-rtmp (baseline 0.90×, tolerance ±50 %)"), o.line());
        assertTrue(o.line().endsWith("baseline run run-x"), o.line());
    }

    @Test
    void aRatioWithinItsToleranceIsOkAndBeyondItIsARegression() throws Exception {
        JsonNode base = baseline(0.5, 1.0);
        assertEquals(0, Verdict.judge(run(0.62, 1.0), base).exitCode(), "0.62 is within 0.5 + 25 %");
        Verdict.Outcome worse = Verdict.judge(run(0.63, 1.0), base);
        assertEquals(1, worse.exitCode(), worse.line());
        assertTrue(worse.line().startsWith("VERDICT regression (1000 players, 100 players): "), worse.line());
        assertTrue(worse.line().contains("REGRESSED"), worse.line());
        Verdict.Outcome slower = Verdict.judge(run(0.5, 1.6), base);
        assertEquals(1, slower.exitCode(), slower.line());
        assertTrue(slower.line().contains("(p99 all media 1000, p99 all media 100)"), slower.line());
    }

    @Test
    void betterThanTheBaselineIsNeverARegression() throws Exception {
        assertEquals(0, Verdict.judge(run(0.1, 0.1), baseline(0.5, 1.0)).exitCode());
    }

    @Test
    void ratiosAreMediansOverRepetitions() throws Exception {
        List<JsonNode> r = new ArrayList<>(run(0.5, 1.0));
        // Two more repetitions of Sluice at 1000 players: one outlier high, one at 0.5.
        r.add(result("sluice-1w", 1000, 0.2 * 3, 10));
        r.add(result("sluice-1w", 1000, 0.2 * 0.5, 10));
        Verdict.Figure cpu1000 = Verdict.FIGURES.get(0);
        assertEquals(0.5, Verdict.ratio(r, cpu1000), 1e-9);
    }

    @Test
    void aMissingServerOrBaselineIsNotJudged() throws Exception {
        List<JsonNode> sluiceOnly = run(0.5, 1.0).stream()
                .filter(n -> n.get("label").asText().equals("sluice-1w")).toList();
        Verdict.Outcome o = Verdict.judge(sluiceOnly, baseline(0.5, 1.0));
        assertEquals(2, o.exitCode(), o.line());
        assertTrue(o.line().startsWith("VERDICT not judged (missing: 1000 players, 100 players"), o.line());
        Verdict.Outcome noBase = Verdict.judge(run(0.5, 1.0), json.readTree("{}"));
        assertEquals(2, noBase.exitCode(), noBase.line());
    }

    @Test
    void theBaselineKeepsTheMediansTheReadmeIsWrittenFrom() throws Exception {
        JsonNode b = baseline(0.5, 0.9);
        assertEquals("run-x", b.path("run").asText());
        assertEquals(0.5, b.path("ratios").path("cpu_1000").asDouble(), 1e-9);
        assertEquals(0.1, b.path("medians").path("sluice-1w").path("1000").path("cpuSecondsPerGbit").asDouble(), 1e-9);
        assertEquals(9.0, b.path("medians").path("sluice-1w").path("100").path("latencyAllP99Ms").asDouble(), 1e-9);
        assertEquals(0.25, b.path("tolerance").path("cpu").asDouble(), 1e-9);
        assertFalse(b.path("medians").path("nginx-1w").path("1000").isMissingNode());
    }
}
