package io.sluice.worker;

import io.sluice.worker.rtmp.session.SessionSettings;
import io.sluice.worker.stream.GopSettings;

/** Temporary entry point: one worker on the embedded defaults. */
public final class WorkerMain {

    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 1935;
        RtmpServer server = new RtmpServer(2, SessionSettings.defaults(), new GopSettings(true, 2048, 32 << 20));
        server.bind("0.0.0.0", port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
