package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A strict transport stream reader for tests, written from ISO/IEC 13818-1 independently of the
 * muxer: checks sync bytes, continuity counters per PID, section CRCs and adaptation field
 * lengths, and gives back the PES packets with their PTS/DTS and the PCRs.
 */
final class TsParser {

    record Pes(int pid, int streamId, long pts, long dts, byte[] data, boolean randomAccess, long pcr) {
    }

    final List<Pes> pes = new ArrayList<>();
    final List<int[]> tables = new ArrayList<>(); // {pid, table_id}
    final Map<Integer, Integer> streamTypes = new HashMap<>();
    int pcrPid = -1;
    private final Map<Integer, Integer> counters = new HashMap<>();
    private final Map<Integer, ByteArrayOutputStream> open = new HashMap<>();
    private final Map<Integer, long[]> openMeta = new HashMap<>(); // pid -> {rai, pcr}

    static TsParser parse(ByteBuf ts) {
        TsParser p = new TsParser();
        byte[] bytes = new byte[ts.readableBytes()];
        ts.getBytes(ts.readerIndex(), bytes);
        p.feed(bytes);
        p.finish();
        return p;
    }

    void feed(byte[] b) {
        assertEquals(0, b.length % 188, "not whole packets: " + b.length);
        for (int at = 0; at < b.length; at += 188) {
            packet(b, at);
        }
    }

    private void packet(byte[] b, int at) {
        assertEquals(0x47, b[at] & 0xff, "sync byte at " + at);
        boolean start = (b[at + 1] & 0x40) != 0;
        int pid = ((b[at + 1] & 0x1f) << 8) | (b[at + 2] & 0xff);
        int afc = (b[at + 3] >> 4) & 3;
        int cc = b[at + 3] & 0xf;
        assertTrue(afc == 1 || afc == 3, "adaptation_field_control " + afc);
        Integer last = counters.put(pid, cc);
        if (last != null) {
            assertEquals((last + 1) & 0xf, cc, "continuity counter of PID " + pid + " at byte " + at);
        }
        int p = at + 4;
        boolean rai = false;
        long pcr = -1;
        if (afc == 3) {
            int len = b[p] & 0xff;
            assertTrue(len <= 183, "adaptation field length " + len);
            if (len > 0) {
                int flags = b[p + 1] & 0xff;
                rai = (flags & 0x40) != 0;
                if ((flags & 0x10) != 0) {
                    long base = ((b[p + 2] & 0xffL) << 25) | ((b[p + 3] & 0xffL) << 17) | ((b[p + 4] & 0xffL) << 9)
                            | ((b[p + 5] & 0xffL) << 1) | ((b[p + 6] & 0x80) >> 7);
                    pcr = base;
                }
            }
            p += 1 + len;
        }
        int end = at + 188;
        if (pid == 0 || pid == TsMuxer.PMT_PID) {
            assertTrue(start);
            section(b, p + 1 + (b[p] & 0xff), pid);
            return;
        }
        if (start) {
            close(pid);
            open.put(pid, new ByteArrayOutputStream());
            openMeta.put(pid, new long[] {rai ? 1 : 0, pcr});
        } else if (pcr >= 0) {
            fail("PCR outside a PES start");
        }
        ByteArrayOutputStream o = open.get(pid);
        assertTrue(o != null, "payload before a PES start on PID " + pid);
        o.write(b, p, end - p);
    }

    private void section(byte[] b, int p, int pid) {
        int tableId = b[p] & 0xff;
        int length = ((b[p + 1] & 0x0f) << 8) | (b[p + 2] & 0xff);
        long crc = 0xFFFFFFFFL;
        for (int i = p; i < p + 3 + length; i++) {
            crc ^= (b[i] & 0xffL) << 24;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80000000L) != 0 ? ((crc << 1) ^ 0x04C11DB7L) : crc << 1;
                crc &= 0xFFFFFFFFL;
            }
        }
        assertEquals(0, crc, "CRC of table " + tableId + " on PID " + pid);
        tables.add(new int[] {pid, tableId});
        if (tableId == 2) {
            pcrPid = ((b[p + 8] & 0x1f) << 8) | (b[p + 9] & 0xff);
            int infoLength = ((b[p + 10] & 0x0f) << 8) | (b[p + 11] & 0xff);
            for (int i = p + 12 + infoLength; i < p + 3 + length - 4; ) {
                int type = b[i] & 0xff;
                int esPid = ((b[i + 1] & 0x1f) << 8) | (b[i + 2] & 0xff);
                int esInfo = ((b[i + 3] & 0x0f) << 8) | (b[i + 4] & 0xff);
                streamTypes.put(esPid, type);
                i += 5 + esInfo;
            }
        }
    }

    void finish() {
        for (Integer pid : List.copyOf(open.keySet())) {
            close(pid);
        }
    }

    private void close(int pid) {
        ByteArrayOutputStream o = open.remove(pid);
        if (o == null) {
            return;
        }
        long[] meta = openMeta.remove(pid);
        byte[] b = o.toByteArray();
        assertEquals(1, ((b[0] & 0xff) << 16) | ((b[1] & 0xff) << 8) | (b[2] & 0xff), "PES start code");
        int streamId = b[3] & 0xff;
        int pesLength = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        int flags = b[7] & 0xff;
        int headerLength = b[8] & 0xff;
        long pts = (flags & 0x80) != 0 ? time(b, 9) : -1;
        long dts = (flags & 0x40) != 0 ? time(b, 14) : pts;
        int dataStart = 9 + headerLength;
        if (pesLength != 0) {
            assertEquals(pesLength + 6, b.length, "PES_packet_length");
        }
        byte[] data = java.util.Arrays.copyOfRange(b, dataStart, b.length);
        pes.add(new Pes(pid, streamId, pts, dts, data, meta[0] == 1, meta[1]));
    }

    private static long time(byte[] b, int at) {
        assertEquals(1, b[at] & 1, "marker bit");
        assertEquals(1, b[at + 2] & 1, "marker bit");
        assertEquals(1, b[at + 4] & 1, "marker bit");
        return (((b[at] & 0x0eL) >> 1) << 30) | ((b[at + 1] & 0xffL) << 22) | (((b[at + 2] & 0xfeL) >> 1) << 15)
                | ((b[at + 3] & 0xffL) << 7) | ((b[at + 4] & 0xfeL) >> 1);
    }
}
