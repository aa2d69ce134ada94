package io.sluice.worker.hls.fmp4;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.sluice.worker.hls.fmp4.BoxWriter.begin;
import static io.sluice.worker.hls.fmp4.BoxWriter.beginFull;
import static io.sluice.worker.hls.fmp4.BoxWriter.end;
import static io.sluice.worker.hls.fmp4.BoxWriter.type;

/**
 * Writes an init segment: {@code ftyp} and a {@code moov} with one {@code trak} per track (empty
 * sample tables, as every sample lives in a fragment) and an {@code mvex} whose {@code trex}
 * boxes announce the fragments (ISO/IEC 14496-12 8.8). Durations are 0: the stream is live.
 */
final class InitSegmentWriter {

    private static final int MOVIE_TIMESCALE = 1000;
    /** ISO 639-2 "und" packed into three 5-bit letters (mdhd language). */
    private static final int LANGUAGE_UNDETERMINED = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60);

    private InitSegmentWriter() {
    }

    static void write(ByteBuf out, List<Track> tracks) {
        int ftyp = begin(out, type("ftyp"));
        out.writeInt(type("iso6")); // major brand: tfdt, default-base-is-moof (ISO/IEC 14496-12 E.7)
        out.writeInt(0);
        out.writeInt(type("iso6"));
        out.writeInt(type("cmfc")); // CMAF (ISO/IEC 23000-19 7.2)
        out.writeInt(type("mp41"));
        for (Track t : tracks) {
            if (t.isVideo() && t.video.codec().equals("av01")) {
                out.writeInt(type("av01"));
            }
        }
        end(out, ftyp);

        int moov = begin(out, type("moov"));
        writeMvhd(out, tracks.size() + 1);
        for (Track t : tracks) {
            writeTrak(out, t);
        }
        int mvex = begin(out, type("mvex"));
        for (Track t : tracks) {
            int trex = beginFull(out, type("trex"), 0, 0);
            out.writeInt(t.id);
            out.writeInt(1); // default_sample_description_index
            out.writeInt(0); // default_sample_duration: every trun carries its own
            out.writeInt(0); // default_sample_size
            out.writeInt(0); // default_sample_flags
            end(out, trex);
        }
        end(out, mvex);
        end(out, moov);
    }

    private static void writeMvhd(ByteBuf out, int nextTrackId) {
        int mvhd = beginFull(out, type("mvhd"), 0, 0);
        out.writeInt(0).writeInt(0); // creation, modification time
        out.writeInt(MOVIE_TIMESCALE);
        out.writeInt(0); // duration: unknown, live
        out.writeInt(0x00010000); // rate 1.0
        out.writeShort(0x0100); // volume 1.0
        out.writeZero(2 + 8); // reserved
        BoxWriter.unityMatrix(out);
        out.writeZero(24); // pre_defined
        out.writeInt(nextTrackId);
        end(out, mvhd);
    }

    private static void writeTrak(ByteBuf out, Track t) {
        int trak = begin(out, type("trak"));
        int tkhd = beginFull(out, type("tkhd"), 0, 0x000003); // track_enabled | track_in_movie
        out.writeInt(0).writeInt(0); // creation, modification time
        out.writeInt(t.id);
        out.writeInt(0); // reserved
        out.writeInt(0); // duration
        out.writeZero(8); // reserved
        out.writeShort(0); // layer
        out.writeShort(0); // alternate_group
        out.writeShort(t.isVideo() ? 0 : 0x0100); // volume
        out.writeShort(0); // reserved
        BoxWriter.unityMatrix(out);
        out.writeInt(t.isVideo() ? t.video.width() << 16 : 0); // 16.16 fixed point
        out.writeInt(t.isVideo() ? t.video.height() << 16 : 0);
        end(out, tkhd);

        int mdia = begin(out, type("mdia"));
        int mdhd = beginFull(out, type("mdhd"), 0, 0);
        out.writeInt(0).writeInt(0); // creation, modification time
        out.writeInt(t.timescale);
        out.writeInt(0); // duration
        out.writeShort(LANGUAGE_UNDETERMINED);
        out.writeShort(0); // pre_defined
        end(out, mdhd);
        int hdlr = beginFull(out, type("hdlr"), 0, 0);
        out.writeInt(0); // pre_defined
        out.writeInt(type(t.isVideo() ? "vide" : "soun"));
        out.writeZero(12); // reserved
        out.writeBytes((t.isVideo() ? "VideoHandler\0" : "SoundHandler\0").getBytes(StandardCharsets.US_ASCII));
        end(out, hdlr);

        int minf = begin(out, type("minf"));
        if (t.isVideo()) {
            int vmhd = beginFull(out, type("vmhd"), 0, 1);
            out.writeZero(8); // graphicsmode, opcolor
            end(out, vmhd);
        } else {
            int smhd = beginFull(out, type("smhd"), 0, 0);
            out.writeZero(4); // balance, reserved
            end(out, smhd);
        }
        int dinf = begin(out, type("dinf"));
        int dref = beginFull(out, type("dref"), 0, 0);
        out.writeInt(1);
        int url = beginFull(out, type("url "), 0, 1); // self-contained: the media is in this file
        end(out, url);
        end(out, dref);
        end(out, dinf);
        writeStbl(out, t);
        end(out, minf);
        end(out, mdia);
        end(out, trak);
    }

    private static void writeStbl(ByteBuf out, Track t) {
        int stbl = begin(out, type("stbl"));
        int stsd = beginFull(out, type("stsd"), 0, 0);
        out.writeInt(1);
        if (t.isVideo()) {
            writeVisualSampleEntry(out, t.video);
        } else {
            writeAudioSampleEntry(out, t.audio);
        }
        end(out, stsd);
        for (String empty : new String[] {"stts", "stsc", "stco"}) {
            int box = beginFull(out, type(empty), 0, 0);
            out.writeInt(0); // entry_count
            end(out, box);
        }
        int stsz = beginFull(out, type("stsz"), 0, 0);
        out.writeInt(0); // sample_size
        out.writeInt(0); // sample_count
        end(out, stsz);
        end(out, stbl);
    }

    /** VisualSampleEntry (ISO/IEC 14496-12 12.1.3) with the codec's configuration box. */
    private static void writeVisualSampleEntry(ByteBuf out, VideoFormat f) {
        int entry = begin(out, type(f.codec()));
        out.writeZero(6); // reserved
        out.writeShort(1); // data_reference_index
        out.writeZero(16); // pre_defined, reserved, pre_defined[3]
        out.writeShort(f.width());
        out.writeShort(f.height());
        out.writeInt(0x00480000); // 72 dpi
        out.writeInt(0x00480000);
        out.writeInt(0); // reserved
        out.writeShort(1); // frame_count
        out.writeZero(32); // compressorname
        out.writeShort(0x0018); // depth
        out.writeShort(-1); // pre_defined
        String box = switch (f.codec()) {
            case "avc1" -> "avcC";
            case "hvc1" -> "hvcC";
            default -> "av1C";
        };
        BoxWriter.leaf(out, type(box), f.configuration());
        end(out, entry);
    }

    /** AudioSampleEntry (ISO/IEC 14496-12 12.2.3) with esds or dOps. */
    private static void writeAudioSampleEntry(ByteBuf out, AudioFormat f) {
        int entry = begin(out, type(f.codec()));
        out.writeZero(6); // reserved
        out.writeShort(1); // data_reference_index
        out.writeZero(8); // reserved
        out.writeShort(f.channels());
        out.writeShort(16); // samplesize
        out.writeZero(4); // pre_defined, reserved
        out.writeInt(f.sampleRate() <= 0xffff ? f.sampleRate() << 16 : 0); // 16.16; 0 if it does not fit
        if (f.codec().equals("Opus")) {
            BoxWriter.leaf(out, type("dOps"), OpusConfig.dOps(f.configuration()));
        } else {
            writeEsds(out, f.configuration());
        }
        end(out, entry);
    }

    /**
     * esds: an ES_Descriptor with a DecoderConfigDescriptor for MPEG-4 audio (objectTypeIndication
     * 0x40) holding the AudioSpecificConfig, and the SLConfigDescriptor MP4 requires
     * (ISO/IEC 14496-1 7.2.6, ISO/IEC 14496-14 3.1.2).
     */
    private static void writeEsds(ByteBuf out, byte[] asc) {
        int esds = beginFull(out, type("esds"), 0, 0);
        int decoderConfigLength = 13 + 2 + asc.length;
        descriptor(out, 0x03, 3 + 2 + decoderConfigLength + 3);
        out.writeShort(0); // ES_ID
        out.writeByte(0); // no dependency, URL or OCR stream
        descriptor(out, 0x04, decoderConfigLength);
        out.writeByte(0x40); // objectTypeIndication: Audio ISO/IEC 14496-3
        out.writeByte(0x05 << 2 | 1); // streamType audio, upStream 0, reserved 1
        out.writeMedium(0); // bufferSizeDB
        out.writeInt(0); // maxBitrate
        out.writeInt(0); // avgBitrate
        descriptor(out, 0x05, asc.length); // DecoderSpecificInfo
        out.writeBytes(asc);
        descriptor(out, 0x06, 1); // SLConfigDescriptor
        out.writeByte(0x02); // predefined: reserved for use in MP4 files
        end(out, esds);
    }

    /** A descriptor tag and its size; one size byte, so a body stays under 128 bytes. */
    private static void descriptor(ByteBuf out, int tag, int size) {
        if (size > 0x7f) {
            throw new IllegalArgumentException("descriptor " + tag + " of " + size + " bytes");
        }
        out.writeByte(tag);
        out.writeByte(size);
    }
}
