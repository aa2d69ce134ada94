/**
 * The master&harr;worker control channel: JSON envelopes over a Unix domain stream socket, in the
 * shape of mediasoup's worker Channel.
 *
 * <p>Wire: a 4-byte big-endian length, then that many bytes of UTF-8 JSON; a frame longer than
 * {@link io.sluice.common.channel.ChannelFrameDecoder#DEFAULT_MAX_FRAME_LENGTH} (4 MiB) is refused.
 * Each frame holds one {@link io.sluice.common.channel.Envelope}: a
 * {@link io.sluice.common.channel.Request}, a {@link io.sluice.common.channel.Response} or a
 * {@link io.sluice.common.channel.Notification}.
 *
 * <p>Pipeline per connection (see {@link io.sluice.common.channel.ChannelTransport#initPipeline}):
 * {@link io.sluice.common.channel.ChannelFrameDecoder} (bytes &rarr; envelopes),
 * {@link io.sluice.common.channel.ChannelFrameEncoder} (envelopes &rarr; bytes), and one
 * {@link io.sluice.common.channel.ChannelPeer}, which correlates requests with responses, runs the
 * registered request handlers and delivers notifications. Both ends of a connection are peers and
 * either may send requests.
 */
package io.sluice.common.channel;
