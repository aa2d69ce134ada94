package io.sluice.worker.rtmp.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sluice.worker.rtmp.handshake.HandshakeCompleted;
import io.sluice.worker.rtmp.message.CommandMessage;
import io.sluice.worker.rtmp.message.DataMessage;
import io.sluice.worker.rtmp.message.MediaMessage;
import io.sluice.worker.rtmp.message.RtmpMessage;
import io.sluice.worker.rtmp.message.UserControl;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Client end of a NetConnection: matches replies to the commands that asked for them by
 * transaction id, completes publish and play when their start status arrives, and hands
 * everything else to the {@link ClientListener}. Runs on the connection's event loop.
 */
final class ClientSessionHandler extends ChannelInboundHandlerAdapter {

    private final ClientListener listener;
    private final Map<Double, CompletableFuture<CommandMessage>> replies = new HashMap<>();
    /** Publish or play waiting for its start status, by message stream id. */
    private final Map<Integer, Pending> starts = new HashMap<>();
    private final CompletableFuture<Void> handshake = new CompletableFuture<>();
    private double nextTransactionId = 1;

    ClientSessionHandler(ClientListener listener) {
        this.listener = listener;
    }

    CompletableFuture<Void> handshakeDone() {
        return handshake;
    }

    /** Registers a reply future and returns the transaction id to send. */
    double expectReply(CompletableFuture<CommandMessage> reply) {
        double id = nextTransactionId++;
        replies.put(id, reply);
        return id;
    }

    void expectStart(int streamId, String code, CompletableFuture<Map<?, ?>> started) {
        starts.put(streamId, new Pending(code, started));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HandshakeCompleted) {
            handshake.complete(null);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof MediaMessage media) {
                listener.onMedia(media);
            } else if (msg instanceof DataMessage data) {
                listener.onData(data);
            } else if (msg instanceof CommandMessage command) {
                onCommand(command);
            } else if (msg instanceof UserControl uc) {
                listener.onUserControl(uc.eventType(), uc.value());
            } else if (!(msg instanceof RtmpMessage)) {
                listener.onSkipped(msg); // made by the connection's payload policy
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onCommand(CommandMessage command) {
        switch (command.name()) {
            case "_result", "_error" -> {
                CompletableFuture<CommandMessage> reply = replies.remove(command.transactionId());
                if (reply == null) {
                    listener.onCommand(command);
                } else if ("_result".equals(command.name())) {
                    reply.complete(command);
                } else {
                    Map<?, ?> info = command.argument(0) instanceof Map<?, ?> m ? m : Map.of();
                    reply.completeExceptionally(new RtmpStatusException(string(info.get("code")),
                            string(info.get("description"))));
                }
            }
            case "onStatus" -> {
                Map<?, ?> info = command.argument(0) instanceof Map<?, ?> m ? m : Map.of();
                String code = string(info.get("code"));
                Pending pending = starts.get(command.streamId());
                if (pending != null) {
                    if ("error".equals(info.get("level"))) {
                        starts.remove(command.streamId());
                        pending.future.completeExceptionally(
                                new RtmpStatusException(code, string(info.get("description"))));
                    } else if (pending.code.equals(code)) {
                        starts.remove(command.streamId());
                        pending.future.complete(info);
                    }
                }
                listener.onStatus(command.streamId(), code, info);
            }
            default -> listener.onCommand(command);
        }
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        RtmpStatusException closed = new RtmpStatusException("NetConnection.Connect.Closed", "connection closed");
        handshake.completeExceptionally(closed);
        replies.values().forEach(f -> f.completeExceptionally(closed));
        replies.clear();
        starts.values().forEach(p -> p.future.completeExceptionally(closed));
        starts.clear();
        listener.onClose();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        handshake.completeExceptionally(cause);
        ctx.close();
    }

    private record Pending(String code, CompletableFuture<Map<?, ?>> future) {
    }
}
