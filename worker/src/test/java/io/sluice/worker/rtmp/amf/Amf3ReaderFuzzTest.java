package io.sluice.worker.rtmp.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link Amf3Reader}: a sequence of AMF3 values read with one set of
 * reference tables, as one AMF3 context. The property is in {@link AmfFuzzChecks}. The corpus
 * (Amf3ReaderFuzzTestInputs) holds one value of every AMF3 type, with string, object and traits
 * references.
 */
class Amf3ReaderFuzzTest {

    @FuzzTest
    void read(byte[] input) {
        AmfFuzzChecks.check(input, AmfFuzzChecks::readAllAmf3);
    }
}
