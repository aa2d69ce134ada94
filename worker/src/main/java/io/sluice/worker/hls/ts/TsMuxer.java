package io.sluice.worker.hls.ts;

import io.netty.buffer.ByteBuf;

/**
 * Writes one program of an MPEG-2 transport stream (ISO/IEC 13818-1) with at most one H.264 and
 * one audio elementary stream, as HLS wants it (RFC 8216, 3.2): PAT and PMT at the start of every
 * segment, one PES packet per access unit (video) or frame (audio), PCR on the video PID (on the
 * audio PID without video), random access indicators on key frames, and continuity counters that
 * run on across segments (a player that joins segments sees no gap).
 *
 * <p>Times are 90 kHz ticks on the stream's timeline; PTS and DTS are written {@value #DELAY}
 * ticks (700 ms) after the PCR, the decoder buffering delay ffmpeg's muxer also leaves, so a PTS
 * below its DTS (negative composition time) never goes below zero. All values wrap at 33 bits as
 * the fields do.
 *
 * <p>Not thread-safe: one muxer per stream, used from one thread. Writes whole 188-byte packets
 * to the {@code out} buffer it is given, and never keeps or releases the caller's buffers.
 */
public final class TsMuxer {

    /** Bytes per transport packet. */
    public static final int PACKET_SIZE = 188;
    /** PID of the program map table. */
    public static final int PMT_PID = 0x1000;
    public static final int VIDEO_PID = 0x100;
    public static final int AUDIO_PID = 0x101;
    /** Ticks of 90 kHz between PCR and DTS: 700 ms. */
    public static final long DELAY = 63_000;

    private static final int SYNC = 0x47;
    private static final int PAYLOAD = PACKET_SIZE - 4;
    private static final long MASK_33 = (1L << 33) - 1;
    private static final int STREAM_TYPE_H264 = 0x1B;
    private static final int STREAM_TYPE_AAC_ADTS = 0x0F;
    private static final int STREAM_TYPE_MPEG1_AUDIO = 0x03;
    private static final int STREAM_ID_VIDEO = 0xE0;
    private static final int STREAM_ID_AUDIO = 0xC0;

    /** The audio elementary stream of the program. */
    public enum Audio { NONE, AAC, MP3 }

    private final boolean video;
    private final Audio audio;
    private int patCounter;
    private int pmtCounter;
    private int videoCounter;
    private int audioCounter;

    /**
     * @param video whether the program has an H.264 stream
     * @param audio its audio stream
     */
    public TsMuxer(boolean video, Audio audio) {
        if (!video && audio == Audio.NONE) {
            throw new IllegalArgumentException("a program needs at least one stream");
        }
        this.video = video;
        this.audio = audio;
    }

    public boolean hasVideo() {
        return video;
    }

    public Audio audio() {
        return audio;
    }

    private int pcrPid() {
        return video ? VIDEO_PID : AUDIO_PID;
    }

    /** Writes the PAT and the PMT: two packets, to start every segment with. */
    public void writeTables(ByteBuf out) {
        // PAT (2.4.4.3): one program, number 1, its PMT on PMT_PID.
        int start = beginSection(out, 0, patCounter++);
        out.writeByte(0x00); // table_id: program_association_section
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        out.writeShort(1); // transport_stream_id
        out.writeByte(0xC1); // version 0, current_next_indicator 1
        out.writeByte(0); // section_number
        out.writeByte(0); // last_section_number
        out.writeShort(1); // program_number
        out.writeShort(0xE000 | PMT_PID);
        endSection(out, start, lengthAt);

        // PMT (2.4.4.8).
        start = beginSection(out, PMT_PID, pmtCounter++);
        out.writeByte(0x02); // table_id: TS_program_map_section
        lengthAt = out.writerIndex();
        out.writeShort(0);
        out.writeShort(1); // program_number
        out.writeByte(0xC1);
        out.writeByte(0);
        out.writeByte(0);
        out.writeShort(0xE000 | pcrPid());
        out.writeShort(0xF000); // program_info_length 0
        if (video) {
            out.writeByte(STREAM_TYPE_H264);
            out.writeShort(0xE000 | VIDEO_PID);
            out.writeShort(0xF000);
        }
        if (audio != Audio.NONE) {
            out.writeByte(audio == Audio.AAC ? STREAM_TYPE_AAC_ADTS : STREAM_TYPE_MPEG1_AUDIO);
            out.writeShort(0xE000 | AUDIO_PID);
            out.writeShort(0xF000);
        }
        endSection(out, start, lengthAt);
    }

    private static int beginSection(ByteBuf out, int pid, int counter) {
        int start = out.writerIndex();
        out.writeByte(SYNC);
        out.writeShort(0x4000 | pid); // payload_unit_start_indicator
        out.writeByte(0x10 | (counter & 0xF)); // payload only
        out.writeByte(0); // pointer_field
        return start;
    }

    /** Fills in section_length, appends the CRC and stuffs the packet to 188 bytes. */
    private static void endSection(ByteBuf out, int packetStart, int lengthAt) {
        int sectionLength = out.writerIndex() - (lengthAt + 2) + 4;
        out.setShort(lengthAt, 0xB000 | sectionLength); // section_syntax_indicator, '0', reserved
        int tableStart = lengthAt - 1;
        out.writeInt(Mpeg2Crc.of(out, tableStart, out.writerIndex() - tableStart));
        out.writeBytes(STUFFING, 0, PACKET_SIZE - (out.writerIndex() - packetStart));
    }

    private static final byte[] STUFFING = new byte[PACKET_SIZE];

    static {
        java.util.Arrays.fill(STUFFING, (byte) 0xFF);
    }

    /**
     * Writes one H.264 access unit (Annex B, as {@link AvcConfig#writeAnnexB} makes it) as a PES
     * packet; reads {@code annexB}'s readable bytes, indexes untouched.
     *
     * @param dts decoding time, 90 kHz
     * @param pts presentation time, 90 kHz (at least {@code dts - DELAY})
     */
    public void writeVideo(ByteBuf out, long dts, long pts, boolean keyframe, ByteBuf annexB) {
        if (!video) {
            throw new IllegalStateException("the program has no video stream");
        }
        writePes(out, VIDEO_PID, STREAM_ID_VIDEO, dts, pts, true, keyframe, annexB);
    }

    /**
     * Writes one audio frame (ADTS-framed AAC, or an MP3 frame) as a PES packet; reads
     * {@code frame}'s readable bytes, indexes untouched.
     *
     * @param pts presentation time, 90 kHz
     */
    public void writeAudio(ByteBuf out, long pts, ByteBuf frame) {
        if (audio == Audio.NONE) {
            throw new IllegalStateException("the program has no audio stream");
        }
        // Without video the audio carries the PCR, and any audio frame is a place to start.
        writePes(out, AUDIO_PID, STREAM_ID_AUDIO, pts, pts, !video, !video, frame);
    }

    private void writePes(ByteBuf out, int pid, int streamId, long dts, long pts, boolean pcr, boolean randomAccess,
                          ByteBuf data) {
        boolean withDts = pts != dts;
        int headerDataLength = withDts ? 10 : 5;
        byte[] header = new byte[9 + headerDataLength];
        header[2] = 1;
        header[3] = (byte) streamId;
        int pesLength = 3 + headerDataLength + data.readableBytes();
        // 2.4.3.7: 0 ("unbounded") is allowed for video only; audio frames are far below 64 KiB.
        if (pesLength > 0xFFFF) {
            if (streamId != STREAM_ID_VIDEO) {
                throw new IllegalArgumentException("audio frame of " + data.readableBytes() + " bytes");
            }
            pesLength = 0;
        }
        header[4] = (byte) (pesLength >> 8);
        header[5] = (byte) pesLength;
        header[6] = (byte) 0x84; // '10', data_alignment_indicator: the PES starts with an access unit
        header[7] = (byte) (withDts ? 0xC0 : 0x80);
        header[8] = (byte) headerDataLength;
        timestamp(header, 9, withDts ? 0x3 : 0x2, pts + DELAY);
        if (withDts) {
            timestamp(header, 14, 0x1, dts + DELAY);
        }

        int counter = pid == VIDEO_PID ? videoCounter : audioCounter;
        int headerAt = 0;
        int dataAt = data.readerIndex();
        int dataEnd = data.writerIndex();
        boolean first = true;
        while (headerAt < header.length || dataAt < dataEnd) {
            int remaining = header.length - headerAt + dataEnd - dataAt;
            boolean withPcr = first && pcr;
            boolean withRai = first && randomAccess;
            // Adaptation field content: the flags byte and the PCR, if any (2.4.3.4).
            int fieldContent = withPcr || withRai ? 1 + (withPcr ? 6 : 0) : -1;
            int room = PAYLOAD - (fieldContent < 0 ? 0 : 1 + fieldContent);
            int fieldLength = fieldContent; // adaptation_field_length, -1 for no field
            if (remaining < room) {
                // Too little left for the packet: an adaptation field takes up the rest.
                fieldLength = PAYLOAD - 1 - remaining;
            }
            int packetStart = out.writerIndex();
            out.writeByte(SYNC);
            out.writeShort((first ? 0x4000 : 0) | pid);
            out.writeByte((fieldLength >= 0 ? 0x30 : 0x10) | (counter & 0xF));
            counter++;
            if (fieldLength >= 0) {
                out.writeByte(fieldLength);
                if (fieldLength > 0) {
                    out.writeByte((withRai ? 0x40 : 0) | (withPcr ? 0x10 : 0));
                    if (withPcr) {
                        long base = dts & MASK_33;
                        out.writeInt((int) (base >>> 1));
                        out.writeShort((int) ((base & 1) << 15) | 0x7E00); // 6 reserved bits, extension 0
                    }
                    int used = 1 + (withPcr ? 6 : 0);
                    out.writeBytes(STUFFING, 0, fieldLength - used);
                }
            }
            int space = PACKET_SIZE - (out.writerIndex() - packetStart);
            int fromHeader = Math.min(space, header.length - headerAt);
            out.writeBytes(header, headerAt, fromHeader);
            headerAt += fromHeader;
            int fromData = Math.min(space - fromHeader, dataEnd - dataAt);
            out.writeBytes(data, dataAt, fromData);
            dataAt += fromData;
            first = false;
        }
        if (pid == VIDEO_PID) {
            videoCounter = counter & 0xF;
        } else {
            audioCounter = counter & 0xF;
        }
    }

    /** A PTS or DTS field (2.4.3.7): 4-bit prefix, 33 bits split 3/15/15, each part ended by a marker bit. */
    private static void timestamp(byte[] b, int at, int prefix, long value) {
        long t = value & MASK_33;
        b[at] = (byte) ((prefix << 4) | (int) ((t >>> 29) & 0x0E) | 1);
        b[at + 1] = (byte) (t >>> 22);
        b[at + 2] = (byte) (((t >>> 14) & 0xFE) | 1);
        b[at + 3] = (byte) (t >>> 7);
        b[at + 4] = (byte) (((t << 1) & 0xFE) | 1);
    }
}
