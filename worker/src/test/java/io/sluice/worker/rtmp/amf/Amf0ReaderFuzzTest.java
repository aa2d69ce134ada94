package io.sluice.worker.rtmp.amf;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of {@link Amf0Reader#readAll}, the reader of every command and data
 * message body (and, through the avmplus marker, of AMF3 inside AMF0). The property is in
 * {@link AmfFuzzChecks}. The corpus (Amf0ReaderFuzzTestInputs) holds real ffmpeg commands and
 * metadata and one value of every AMF0 type.
 */
class Amf0ReaderFuzzTest {

    @FuzzTest
    void readAll(byte[] input) {
        AmfFuzzChecks.check(input, Amf0Reader::readAll);
    }
}
