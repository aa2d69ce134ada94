package io.sluice.master.http;

import io.sluice.common.protocol.control.ClientView;
import io.sluice.common.protocol.control.KickResult;
import io.sluice.common.protocol.control.ReloadReport;
import io.sluice.common.protocol.control.StatusView;
import io.sluice.common.protocol.control.StreamView;
import io.sluice.common.protocol.control.SummaryView;
import io.sluice.master.control.WorkerQueries.Gathered;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the operator listener asks of the master. The master implements it with the same view
 * code as the control socket; tests implement it with fixed answers. Futures may complete on
 * any thread; a failure with a {@code ChannelRequestException} carries the error code that
 * picks the HTTP status.
 */
public interface ApiBackend {

    CompletableFuture<SummaryView> summary();

    CompletableFuture<StatusView> status();

    CompletableFuture<Gathered<List<StreamView>>> streams(Duration deadline);

    CompletableFuture<Gathered<List<ClientView>>> clients(Duration deadline);

    CompletableFuture<KickResult> kick(String clientId, Duration deadline);

    CompletableFuture<ReloadReport> reload();

    /** The Prometheus text exposition of the whole server, from what the heartbeats carried. */
    CompletableFuture<String> metrics();
}
