package io.sluice.worker.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static io.sluice.worker.media.FrameType.COMMAND;
import static io.sluice.worker.media.FrameType.DISPOSABLE_INTER;
import static io.sluice.worker.media.FrameType.GENERATED_KEY;
import static io.sluice.worker.media.FrameType.INTER;
import static io.sluice.worker.media.FrameType.KEY;
import static io.sluice.worker.media.FrameType.NONE;
import static io.sluice.worker.media.MediaKind.AUDIO;
import static io.sluice.worker.media.MediaKind.VIDEO;
import static io.sluice.worker.media.MediaTag.UNKNOWN_CODEC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Vectors built from the Adobe FLV spec v10.1 (E.4.2, E.4.3), the HEVC/AV1 CDN extensions and
 * the veovera Enhanced RTMP v2 spec (ExVideoTagHeader, ExAudioTagHeader, ModEx, Multitrack).
 */
class MediaTagReaderTest {

    // ---- legacy video -------------------------------------------------------------------------

    @Test
    void legacyAvcSequenceHeaderIsNotAKeyframe() {
        // 0x17 = FrameType 1 (key) | CodecID 7; AVCPacketType 0; CompositionTime 0; avcC starts 01 64 00 1f
        MediaTag tag = video(0x17, 0x00, 0, 0, 0, 0x01, 0x64, 0x00, 0x1f);
        assertEquals(new MediaTag(VIDEO, "avc1", false, KEY, true, false, 0, PacketType.SEQUENCE_START), tag);
        assertFalse(tag.keyframe());
        assertFalse(tag.droppable());
    }

    @Test
    void legacyAvcKeyInterDisposableAndEnd() {
        MediaTag key = video(0x17, 0x01, 0, 0, 0x21, 0, 0, 0, 5, 0x65);
        assertEquals(new MediaTag(VIDEO, "avc1", false, KEY, false, false, 0, PacketType.CODED_FRAMES), key);
        assertTrue(key.keyframe());
        assertFalse(key.droppable());

        MediaTag inter = video(0x27, 0x01, 0, 0, 0x42, 0, 0, 0, 5, 0x41);
        assertEquals(INTER, inter.frameType());
        assertFalse(inter.keyframe());
        assertTrue(inter.droppable());

        MediaTag disposable = video(0x37, 0x01, 0xff, 0xff, 0xdf, 0x01);
        assertEquals(DISPOSABLE_INTER, disposable.frameType());
        assertTrue(disposable.droppable());

        MediaTag end = video(0x17, 0x02, 0, 0, 0);
        assertEquals(new MediaTag(VIDEO, "avc1", false, KEY, false, true, 0, PacketType.SEQUENCE_END), end);
        assertFalse(end.keyframe());
        assertFalse(end.droppable());
    }

    @Test
    void legacyCommandAndGeneratedKeyFramesAreNeitherKeyframesNorDroppable() {
        // FrameType 5 = video info/command frame: one UI8 command, no AVCPacketType.
        MediaTag command = video(0x57, 0x00);
        assertEquals(new MediaTag(VIDEO, "avc1", false, COMMAND, false, false, 0, PacketType.COMMAND), command);
        assertFalse(command.keyframe());
        assertFalse(command.droppable());
        // A command byte of 0 must not be read as "sequence header".
        assertFalse(command.sequenceHeader());

        MediaTag generated = video(0x47, 0x01, 0, 0, 0);
        assertEquals(GENERATED_KEY, generated.frameType());
        assertFalse(generated.keyframe());
        assertFalse(generated.droppable());
    }

    @Test
    void legacyHevcAndAv1ExtensionsUseThePacketTypeByte() {
        assertEquals(new MediaTag(VIDEO, "hvc1", false, KEY, true, false, 0, PacketType.SEQUENCE_START),
                video(0x1c, 0x00, 0, 0, 0, 0x01));
        assertTrue(video(0x1c, 0x01, 0, 0, 0, 0x26).keyframe());
        assertTrue(video(0x2c, 0x01, 0, 0, 0, 0x02).droppable());
        assertTrue(video(0x1c, 0x02, 0, 0, 0).sequenceEnd());

        assertEquals(new MediaTag(VIDEO, "av01", false, KEY, true, false, 0, PacketType.SEQUENCE_START),
                video(0x1d, 0x00, 0, 0, 0, 0x81));
        assertTrue(video(0x1d, 0x01, 0, 0, 0, 0x12).keyframe());
    }

    @Test
    void legacyCodecsWithoutPacketType() {
        assertLegacyVideo(0x12, "h263", KEY);
        assertLegacyVideo(0x22, "h263", INTER);
        assertLegacyVideo(0x32, "h263", DISPOSABLE_INTER);
        assertLegacyVideo(0x13, "screen", KEY);
        assertLegacyVideo(0x24, "vp6", INTER);
        assertLegacyVideo(0x15, "vp6a", KEY);
        assertLegacyVideo(0x26, "screen2", INTER);
        // For these codecs byte 1 is picture data, never a packet type: 0x00 must not make a sequence header.
        assertFalse(video(0x14, 0x00).sequenceHeader());
        assertTrue(video(0x14, 0x00).keyframe());
        assertTrue(video(0x32, 0x00).droppable());
    }

    @Test
    void legacyUnknownCodecIdClaimsNothing() {
        for (int codecId : new int[] {0, 8, 9, 10, 11, 14, 15}) {
            MediaTag tag = video(0x10 | codecId, 0x00, 0, 0, 0);
            assertEquals(MediaTag.unknown(VIDEO, false), tag, "codec id " + codecId);
            assertFalse(tag.keyframe());
            assertFalse(tag.droppable());
            assertFalse(tag.sequenceHeader());
        }
    }

    @Test
    void legacyReservedPacketTypeAndFrameType() {
        MediaTag reservedPacket = video(0x17, 0x05, 0, 0, 0);
        assertEquals(PacketType.UNKNOWN, reservedPacket.packetType());
        assertEquals("avc1", reservedPacket.codec());
        assertFalse(reservedPacket.keyframe());

        MediaTag reservedFrame = video(0x67, 0x01, 0, 0, 0);   // FrameType 6 is reserved
        assertEquals(FrameType.UNKNOWN, reservedFrame.frameType());
        assertFalse(reservedFrame.keyframe());
        assertFalse(reservedFrame.droppable());
    }

    // ---- legacy audio -------------------------------------------------------------------------

    @Test
    void legacyAacSequenceHeaderAndRawFrame() {
        // 0xaf = SoundFormat 10 | 44 kHz | 16 bit | stereo; AACPacketType 0 + AudioSpecificConfig 12 10
        MediaTag header = audio(0xaf, 0x00, 0x12, 0x10);
        assertEquals(new MediaTag(AUDIO, "mp4a", false, NONE, true, false, 0, PacketType.SEQUENCE_START), header);
        MediaTag raw = audio(0xaf, 0x01, 0x21, 0x10, 0x04);
        assertEquals(new MediaTag(AUDIO, "mp4a", false, NONE, false, false, 0, PacketType.CODED_FRAMES), raw);
        assertFalse(raw.keyframe());
        assertFalse(raw.droppable());
        assertEquals(PacketType.UNKNOWN, audio(0xaf, 0x07).packetType());
    }

    @Test
    void legacyOpusExtensionUsesThePacketTypeByte() {
        assertTrue(audio(0xdf, 0x00, 'O', 'p', 'u', 's').sequenceHeader());
        assertEquals("Opus", audio(0xdf, 0x01, 0xfc).codec());
        assertFalse(audio(0xdf, 0x01, 0xfc).sequenceHeader());
    }

    @Test
    void legacySoundFormats() {
        String[] expected = {"pcm", "adpcm", "mp3", "pcm-le", "nellymoser", "nellymoser", "nellymoser",
            "alaw", "ulaw", null, "mp4a", "speex", null, "Opus", "mp3", "native"};
        for (int format = 0; format < 16; format++) {
            if (format == 9) {
                continue; // ExHeader, covered below
            }
            MediaTag tag = audio((format << 4) | 0x0e, 0x01, 0xff, 0xfb);
            String codec = expected[format] == null ? UNKNOWN_CODEC : expected[format];
            assertEquals(codec, tag.codec(), "SoundFormat " + format);
            assertEquals(NONE, tag.frameType());
            assertFalse(tag.enhanced());
            assertFalse(tag.droppable());
            assertFalse(tag.keyframe());
        }
        // MP3's second byte is frame data: 0x00 there is no sequence header.
        assertFalse(audio(0x2f, 0x00).sequenceHeader());
    }

    // ---- enhanced video -----------------------------------------------------------------------

    @Test
    void enhancedSequenceStartForEveryFourCc() {
        for (String fourCc : new String[] {"avc1", "hvc1", "av01", "vp09", "vp08"}) {
            // 0x90 = IsExHeader | FrameType 1 | VideoPacketType 0 (SequenceStart)
            MediaTag tag = video(0x90, fourCc, 0x01, 0x02);
            assertEquals(new MediaTag(VIDEO, fourCc, true, KEY, true, false, 0, PacketType.SEQUENCE_START), tag);
            assertFalse(tag.keyframe());
        }
    }

    @Test
    void enhancedCodedFramesAndCodedFramesX() {
        MediaTag key = video(0x91, "hvc1", 0, 0, 0x21, 0, 0, 0, 4, 0x26);  // CodedFrames with SI24 CTS
        assertEquals(new MediaTag(VIDEO, "hvc1", true, KEY, false, false, 0, PacketType.CODED_FRAMES), key);
        assertTrue(key.keyframe());

        MediaTag inter = video(0xa1, "av01", 0, 0, 0, 0x32);
        assertEquals(INTER, inter.frameType());
        assertTrue(inter.droppable());

        MediaTag keyX = video(0x93, "vp09", 0x82, 0x49);   // CodedFramesX: no CTS
        assertTrue(keyX.keyframe());
        assertEquals(PacketType.CODED_FRAMES, keyX.packetType());

        MediaTag interX = video(0xa3, "vp08", 0x31);
        assertTrue(interX.droppable());
        assertEquals("vp08", interX.codec());

        assertTrue(video(0xb3, "avc1", 0x01).droppable());   // disposable inter
    }

    @Test
    void enhancedSequenceEndMetadataAndMpeg2TsSequenceStart() {
        MediaTag end = video(0x92, "av01");
        assertEquals(new MediaTag(VIDEO, "av01", true, KEY, false, true, 0, PacketType.SEQUENCE_END), end);
        assertFalse(end.keyframe());

        // Metadata: AMF0 string "colorInfo" + object; the frame type nibble is to be ignored.
        MediaTag metadata = video(0x94, "hvc1", 0x02, 0x00, 0x09, "colorInfo", 0x03, 0x00, 0x00, 0x09);
        assertEquals(new MediaTag(VIDEO, "hvc1", true, NONE, false, false, 0, PacketType.METADATA), metadata);
        assertFalse(metadata.keyframe());
        assertFalse(metadata.droppable());
        // Even with the "command" frame type bits, Metadata stays metadata and keeps its FourCC.
        assertEquals(PacketType.METADATA, video(0xd4, "av01", 0x02).packetType());
        assertEquals("av01", video(0xd4, "av01", 0x02).codec());

        MediaTag tsStart = video(0x95, "av01", 0x80, 0x06);
        assertTrue(tsStart.sequenceHeader());
        assertEquals("av01", tsStart.codec());
    }

    @Test
    void enhancedCommandFrameHasNoFourCc() {
        // 0xd1: IsExHeader | FrameType 5 | CodedFrames, then the UI8 VideoCommand (1 = EndSeek).
        MediaTag command = video(0xd1, 0x01);
        assertEquals(new MediaTag(VIDEO, UNKNOWN_CODEC, true, COMMAND, false, false, 0, PacketType.COMMAND), command);
        assertFalse(command.keyframe());
        assertFalse(command.droppable());
    }

    @Test
    void enhancedOneTrackMultitrackSequenceStart() {
        // Multitrack (6), then AvMultitrackType OneTrack (0) | SequenceStart (0), FourCC, trackId 2.
        MediaTag tag = video(0x96, 0x00, "avc1", 0x02, 0x01, 0x64);
        assertEquals(new MediaTag(VIDEO, "avc1", true, KEY, true, false, 2, PacketType.SEQUENCE_START), tag);
    }

    @Test
    void enhancedManyTracksCodedFramesReportFirstTrack() {
        // ManyTracks (1) | CodedFramesX (3), shared FourCC, then [trackId, UI24 size, data] per track.
        MediaTag key = video(0x96, 0x13, "hvc1", 0x01, 0, 0, 2, 0x26, 0x01, 0x02, 0, 0, 1, 0x26);
        assertEquals(new MediaTag(VIDEO, "hvc1", true, KEY, false, false, 1, PacketType.CODED_FRAMES), key);
        assertTrue(key.keyframe());

        MediaTag inter = video(0xa6, 0x11, "hvc1", 0x00, 0, 0, 4, 0, 0, 0, 0x02);
        assertTrue(inter.droppable());
        assertEquals(0, inter.trackId());
    }

    @Test
    void enhancedManyTracksManyCodecsSequenceStartUsesFirstTracksFourCc() {
        // ManyTracksManyCodecs (2) | SequenceStart (0); per track: FourCC, trackId, UI24 size, data.
        MediaTag tag = video(0x96, 0x20, "av01", 0x05, 0, 0, 1, 0x81, "vp09", 0x06, 0, 0, 1, 0x01);
        assertEquals(new MediaTag(VIDEO, "av01", true, KEY, true, false, 5, PacketType.SEQUENCE_START), tag);
    }

    @Test
    void enhancedModExIsSkipped() {
        // ModEx (7): size-1 = 2 -> 3 bytes of TimestampOffsetNano, then ModExType 0 | CodedFrames.
        MediaTag tag = video(0x97, 0x02, 0x0f, 0x42, 0x3f, 0x01, "avc1", 0, 0, 0, 0x65);
        assertEquals(new MediaTag(VIDEO, "avc1", true, KEY, false, false, 0, PacketType.CODED_FRAMES), tag);
        assertTrue(tag.keyframe());

        // Two ModEx blocks in a row, the second ending in SequenceStart.
        assertTrue(video(0x97, 0x00, 0x01, 0x07, 0x01, 0x11, 0x22, 0x00, "hvc1", 0x01).sequenceHeader());
    }

    @Test
    void enhancedModExWithSixteenBitSize() {
        // UI8 0xff -> size 256 -> the real size is UI16 + 1 = 0x0100 + 1 = 257 bytes.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(0xa7, 0xff, 0x01, 0x00));
        out.writeBytes(new byte[257]);
        out.writeBytes(bytes(0x03, "vp09", 0x31));
        MediaTag tag = inspect(MediaTagReader.VIDEO_MESSAGE, out.toByteArray());
        assertEquals(new MediaTag(VIDEO, "vp09", true, INTER, false, false, 0, PacketType.CODED_FRAMES), tag);
    }

    @Test
    void enhancedModExThenMultitrack() {
        MediaTag tag = video(0x97, 0x02, 0, 0, 1, 0x06, 0x10, "hvc1", 0x03, 0, 0, 1, 0x01);
        assertEquals(new MediaTag(VIDEO, "hvc1", true, KEY, true, false, 3, PacketType.SEQUENCE_START), tag);
    }

    @Test
    void enhancedUnknownFourCcKeepsTheStructureButIsNeverDropped() {
        MediaTag start = video(0x90, "vvc1", 0x01);
        assertEquals(UNKNOWN_CODEC, start.codec());
        assertTrue(start.sequenceHeader(), "the ExVideoTagHeader layout does not depend on the codec");
        MediaTag key = video(0x91, "vvc1", 0, 0, 0);
        assertTrue(key.keyframe());
        MediaTag inter = video(0xa1, "vvc1", 0, 0, 0);
        assertEquals(INTER, inter.frameType());
        assertFalse(inter.droppable());
    }

    @Test
    void enhancedReservedValuesAreUnknown() {
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x96, 0x30, "avc1", 0x00));   // multitrack type 3
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x96, 0x06, "avc1", 0x00));   // nested Multitrack
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x96, 0x07, "avc1", 0x00));   // ModEx after Multitrack
        MediaTag reserved = video(0x98, "avc1");                                          // VideoPacketType 8
        assertEquals(PacketType.UNKNOWN, reserved.packetType());
        assertFalse(reserved.keyframe());
        assertFalse(reserved.sequenceHeader());
    }

    @Test
    void enhancedTruncatedHeadersAreUnknown() {
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x91, 'a', 'v'));           // FourCC cut
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x96));                     // multitrack byte missing
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x96, 0x00, "avc1"));      // trackId missing
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x97, 0x05, 0, 0));         // ModEx data cut
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x97, 0xff, 0x01));         // 16-bit size cut
        assertEquals(MediaTag.unknown(VIDEO, true), video(0x97, 0x00, 0x00));         // next packet type missing
    }

    // ---- enhanced audio -----------------------------------------------------------------------

    @Test
    void enhancedAudioSequenceStarts() {
        // 0x90 = SoundFormat 9 (ExHeader) | AudioPacketType 0 (SequenceStart); OpusHead follows.
        MediaTag opus = audio(0x90, "Opus", "OpusHead", 0x01, 0x02);
        assertEquals(new MediaTag(AUDIO, "Opus", true, NONE, true, false, 0, PacketType.SEQUENCE_START), opus);
        MediaTag aac = audio(0x90, "mp4a", 0x12, 0x10);
        assertEquals(new MediaTag(AUDIO, "mp4a", true, NONE, true, false, 0, PacketType.SEQUENCE_START), aac);
        assertTrue(audio(0x90, "fLaC", 0x00, 0x00, 0x00, 0x22).sequenceHeader());
    }

    @Test
    void enhancedAudioCodedFramesEndAndMultichannelConfig() {
        String[][] fourCcs = {{"Opus", "Opus"}, {"mp4a", "mp4a"}, {"fLaC", "fLaC"}, {"ac-3", "ac-3"},
            {"ec-3", "ec-3"}, {".mp3", "mp3"}};
        for (String[] pair : fourCcs) {
            MediaTag tag = audio(0x91, pair[0], 0x55);
            assertEquals(new MediaTag(AUDIO, pair[1], true, NONE, false, false, 0, PacketType.CODED_FRAMES), tag);
            assertFalse(tag.droppable());
        }
        assertTrue(audio(0x92, "Opus").sequenceEnd());
        // MultichannelConfig: AudioChannelOrder Native (1), 6 channels, UI32 mask.
        MediaTag config = audio(0x94, "Opus", 0x01, 0x06, 0, 0, 0, 0x3f);
        assertEquals(PacketType.MULTICHANNEL_CONFIG, config.packetType());
        assertFalse(config.sequenceHeader());
    }

    @Test
    void enhancedAudioMultitrack() {
        // Multitrack (5), ManyTracks (1) | SequenceStart (0), shared FourCC, track 3 with UI24 size.
        MediaTag many = audio(0x95, 0x10, "mp4a", 0x03, 0, 0, 2, 0x12, 0x10, 0x04, 0, 0, 2, 0x11, 0x90);
        assertEquals(new MediaTag(AUDIO, "mp4a", true, NONE, true, false, 3, PacketType.SEQUENCE_START), many);
        // ManyTracksManyCodecs (2) | CodedFrames (1): first track's own FourCC.
        MediaTag manyCodecs = audio(0x95, 0x21, "Opus", 0x00, 0, 0, 1, 0xfc, "ac-3", 0x01, 0, 0, 1, 0x0b);
        assertEquals(new MediaTag(AUDIO, "Opus", true, NONE, false, false, 0, PacketType.CODED_FRAMES), manyCodecs);
        // OneTrack (0): no size field.
        assertEquals(7, audio(0x95, 0x01, "fLaC", 0x07, 0xff, 0xf8).trackId());
    }

    @Test
    void enhancedAudioModEx() {
        MediaTag tag = audio(0x97, 0x02, 0x00, 0x01, 0x00, 0x00, "Opus", "OpusHead");
        assertEquals(new MediaTag(AUDIO, "Opus", true, NONE, true, false, 0, PacketType.SEQUENCE_START), tag);
        MediaTag thenMultitrack = audio(0x97, 0x02, 0, 0, 1, 0x05, 0x00, "mp4a", 0x04, 0x12, 0x10);
        assertEquals(4, thenMultitrack.trackId());
        assertTrue(thenMultitrack.sequenceHeader());
    }

    @Test
    void enhancedAudioUnknownAndTruncated() {
        MediaTag unknownFourCc = audio(0x90, "abcd", 0x00);
        assertEquals(UNKNOWN_CODEC, unknownFourCc.codec());
        assertTrue(unknownFourCc.enhanced());
        assertEquals(MediaTag.unknown(AUDIO, true), audio(0x90, 'O', 'p'));
        assertEquals(MediaTag.unknown(AUDIO, true), audio(0x95, 0x30, "Opus", 0x00));
        assertEquals(MediaTag.unknown(AUDIO, true), audio(0x95, 0x05, "Opus", 0x00));
        assertEquals(MediaTag.unknown(AUDIO, true), audio(0x95, 0x10, "Opus"));
        assertEquals(MediaTag.unknown(AUDIO, true), audio(0x97));
    }

    // ---- robustness ---------------------------------------------------------------------------

    @Test
    void emptyPayloadsAreUnknown() {
        assertEquals(MediaTag.unknown(AUDIO, false), audio());
        assertEquals(MediaTag.unknown(VIDEO, false), video());
        assertEquals(MediaTag.unknown(VIDEO, false), video(0x17));
        assertEquals(MediaTag.unknown(AUDIO, false), audio(0xaf));
    }

    @Test
    void onlyReadableBytesCountAndIndexesStayPut() {
        // A valid AVC key frame sits at reader index 3, followed by junk beyond the writer index.
        ByteBuf buf = Unpooled.buffer(32);
        try {
            buf.writeBytes(bytes(0xde, 0xad, 0xbe, 0x17, 0x01, 0, 0, 0));
            buf.readerIndex(3);
            MediaTag tag = MediaTagReader.inspect(MediaTagReader.VIDEO_MESSAGE, buf);
            assertTrue(tag.keyframe());
            assertEquals(3, buf.readerIndex());
            assertEquals(8, buf.writerIndex());

            // Bytes past the writer index are not part of the payload, even though they are there.
            buf.setBytes(8, bytes(0x90, "avc1"));
            buf.writerIndex(8);
            buf.readerIndex(8);
            assertEquals(MediaTag.unknown(VIDEO, false), MediaTagReader.inspect(MediaTagReader.VIDEO_MESSAGE, buf));
            buf.writerIndex(11);
            assertEquals(MediaTag.unknown(VIDEO, true), MediaTagReader.inspect(MediaTagReader.VIDEO_MESSAGE, buf));
            assertEquals(8, buf.readerIndex());
            assertEquals(11, buf.writerIndex());
        } finally {
            buf.release();
        }
    }

    @Test
    void directBuffersWorkToo() {
        ByteBuf buf = Unpooled.directBuffer().writeBytes(bytes(0x96, 0x00, "avc1", 0x09, 0x01));
        try {
            assertEquals(9, MediaTagReader.inspectVideo(buf).trackId());
        } finally {
            buf.release();
        }
    }

    @Test
    void otherMessageTypesAreACallerError() {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes(0x02, 0x00));
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MediaTagReader.inspect(18, buf));
            assertTrue(e.getMessage().contains("18"), e.getMessage());
        } finally {
            buf.release();
        }
    }

    @Test
    void sevenArgumentConstructorDerivesThePacketType() {
        assertEquals(PacketType.SEQUENCE_START, new MediaTag(VIDEO, "avc1", false, KEY, true, false, 0).packetType());
        assertEquals(PacketType.SEQUENCE_END, new MediaTag(VIDEO, "avc1", false, KEY, false, true, 0).packetType());
        assertEquals(PacketType.COMMAND, new MediaTag(VIDEO, "avc1", false, COMMAND, false, false, 0).packetType());
        assertTrue(new MediaTag(VIDEO, "avc1", false, KEY, false, false, 0).keyframe());
        assertTrue(new MediaTag(VIDEO, "avc1", false, INTER, false, false, 0).droppable());
        assertThrows(IllegalArgumentException.class, () -> new MediaTag(VIDEO, "avc1", false, KEY, true, true, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new MediaTag(VIDEO, "avc1", false, KEY, true, false, 0, PacketType.CODED_FRAMES));
        assertThrows(IllegalArgumentException.class, () -> new MediaTag(AUDIO, "mp4a", false, KEY, false, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new MediaTag(VIDEO, "avc1", false, KEY, false, false, 256));
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static void assertLegacyVideo(int first, String codec, FrameType frameType) {
        MediaTag tag = video(first, 0x55, 0x66);
        assertEquals(new MediaTag(VIDEO, codec, false, frameType, false, false, 0, PacketType.CODED_FRAMES), tag);
    }

    static MediaTag video(Object... parts) {
        return inspect(MediaTagReader.VIDEO_MESSAGE, bytes(parts));
    }

    static MediaTag audio(Object... parts) {
        return inspect(MediaTagReader.AUDIO_MESSAGE, bytes(parts));
    }

    /** Inspects {@code payload} and checks that the buffer's indexes did not move. */
    static MediaTag inspect(int messageType, byte[] payload) {
        ByteBuf buf = Unpooled.wrappedBuffer(payload);
        try {
            MediaTag tag = MediaTagReader.inspect(messageType, buf);
            assertEquals(0, buf.readerIndex(), "reader index moved");
            assertEquals(payload.length, buf.writerIndex(), "writer index moved");
            return tag;
        } finally {
            buf.release();
        }
    }

    /** Integers are bytes; strings are ASCII (FourCCs, AMF names). */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer i) {
                out.write(i);
            } else if (part instanceof Character c) {
                out.write(c);
            } else if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            } else {
                throw new IllegalArgumentException("unsupported part " + part);
            }
        }
        return out.toByteArray();
    }
}
