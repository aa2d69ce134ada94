package io.sluice.master.cli;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/ctl}: the control CLI. Finds the running master through the configuration's run
 * directory. Exit code 0 on success; {@link ExitCodes#UNAVAILABLE} when the server is not
 * running; {@link ExitCodes#USAGE} for a bad command line; 1 when the server refused.
 */
public final class CtlMain {

    private CtlMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("sluice.home", System.getenv().getOrDefault("SLUICE_HOME", ".")))
                .toAbsolutePath().normalize();
        Path configFile = home.resolve("conf").resolve("sluice.yaml");
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-c") || args[i].equals("--config")) {
                if (++i >= args.length) {
                    err.println("sluice ctl: option -c needs a file");
                    return ExitCodes.USAGE;
                }
                configFile = Path.of(args[i]).toAbsolutePath();
            } else {
                rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            err.println("sluice ctl: a command is needed; see bin/ctl --help");
            return ExitCodes.USAGE;
        }
        SluiceConfig config;
        try {
            config = ConfigLoader.loadOrDefaults(configFile);
        } catch (ConfigException e) {
            err.println("sluice ctl: invalid configuration: " + e.getMessage());
            return ExitCodes.BAD_CONFIG;
        }
        Path runDir = config.paths().runDir(home);
        switch (rest.get(0)) {
            case "paths" -> {
                // For the bin/ scripts: where the pid file and logs are.
                out.println("run_dir=" + runDir);
                out.println("log_dir=" + config.paths().logDir(home));
                out.println("pid_file=" + runDir.resolve("sluice.pid"));
                out.println("stop_timeout_ms=" + config.worker().stopTimeout().toMillis());
                return ExitCodes.OK;
            }
            default -> {
                err.println("sluice ctl: unknown command '" + rest.get(0) + "'; see bin/ctl --help");
                return ExitCodes.USAGE;
            }
        }
    }
}
