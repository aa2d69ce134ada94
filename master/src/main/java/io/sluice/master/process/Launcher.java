package io.sluice.master.process;

import java.io.IOException;
import java.util.List;

/** Starts the process for a worker slot ({@link WorkerLauncher} in production; tests fake it). */
@FunctionalInterface
public interface Launcher {

    Process launch(int id, int generation, List<String> jvmOptions) throws IOException;
}
