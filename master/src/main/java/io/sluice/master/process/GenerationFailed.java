package io.sluice.master.process;

/** No worker of a generation could run: every slot was given up. */
public final class GenerationFailed extends IllegalStateException {

    private final transient StartResult result;

    GenerationFailed(StartResult result) {
        super("no worker of generation " + result.generation() + " could run: " + result.givenUpSummary());
        this.result = result;
    }

    /** Whether a worker exited with the bad-configuration code (the master then exits with it too). */
    public boolean badConfig() {
        return result.badConfig();
    }

    public StartResult result() {
        return result;
    }
}
