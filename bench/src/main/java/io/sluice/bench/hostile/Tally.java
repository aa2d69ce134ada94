package io.sluice.bench.hostile;

/**
 * What one attack did: connections it opened (TCP connected), the most open at once, how many
 * the server closed (or reset) before the attack ended, connects that failed or were refused
 * before the attack got going, and the bytes attackers wrote and read.
 */
public record Tally(long opened, int peakOpen, long closedByServer, long failedToStart, long bytesSent,
                    long bytesReceived) {
}
