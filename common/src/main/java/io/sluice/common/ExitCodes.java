package io.sluice.common;

/**
 * Process exit codes shared by master, workers and {@code bin/ctl}. A worker that exits with
 * {@link #BAD_CONFIG} is not respawned: restarting it would fail the same way (a port in use,
 * an invalid file), so the master says so loudly instead of looping.
 */
public final class ExitCodes {

    /** Clean stop. */
    public static final int OK = 0;
    /** Unexpected failure; a worker exiting so is respawned. */
    public static final int FAILURE = 1;
    /** Wrong command line (sysexits EX_USAGE). */
    public static final int USAGE = 64;
    /** The server is not running, or not reachable ({@code bin/ctl}; sysexits EX_UNAVAILABLE). */
    public static final int UNAVAILABLE = 69;
    /** Bad configuration: do not respawn (sysexits EX_CONFIG). */
    public static final int BAD_CONFIG = 78;

    private ExitCodes() {
    }
}
