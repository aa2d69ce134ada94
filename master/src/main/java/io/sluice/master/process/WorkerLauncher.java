package io.sluice.master.process;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts worker JVMs: the master's own java and classpath, the configured JVM options, and the
 * worker's identity on the command line. Workers inherit the master's standard output and
 * error, so every process logs to the same place (the terminal, or logs/ when daemonized).
 */
public final class WorkerLauncher implements Launcher {

    /** Settings the master passes on unchanged when it was started with them (tests use these). */
    private static final String[] INHERITED_PROPERTIES = {"io.netty.leakDetectionLevel", "logback.configurationFile"};

    private final String javaBin;
    private final String classpath;
    private final Path channelSocket;
    private final WorkerCds cds;

    public WorkerLauncher(Path channelSocket, WorkerCds cds) {
        this.cds = cds;
        this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = System.getProperty("java.class.path");
        this.channelSocket = channelSocket;
    }

    /** The command line for worker {@code id} of {@code generation}. */
    List<String> command(int id, int generation, List<String> jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBin);
        cmd.addAll(jvmOptions);
        cmd.addAll(cds.options(jvmOptions));
        for (String property : INHERITED_PROPERTIES) {
            String value = System.getProperty(property);
            if (value != null) {
                cmd.add("-D" + property + "=" + value);
            }
        }
        cmd.add("-Dsluice.worker=" + id);
        cmd.addAll(List.of("-cp", classpath, "io.sluice.worker.WorkerMain",
                "--id", String.valueOf(id), "--generation", String.valueOf(generation),
                "--channel", channelSocket.toString()));
        return cmd;
    }

    @Override
    public Process launch(int id, int generation, List<String> jvmOptions) throws IOException {
        return new ProcessBuilder(command(id, generation, jvmOptions))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
    }
}
