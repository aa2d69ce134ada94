package io.sluice.master;

import java.nio.file.Path;

/**
 * The master's command line.
 *
 * <pre>
 *   MasterMain [-c FILE] [-t]
 *     -c, --config FILE   configuration file (default: $SLUICE_HOME/conf/sluice.yaml; missing = defaults)
 *     -t, --test          check the configuration and exit, like nginx -t
 * </pre>
 */
record MasterOptions(Path home, Path config, boolean testOnly) {

    static final String USAGE = "usage: sluice master [-c FILE] [-t]";

    static MasterOptions parse(String[] args, Path home) {
        Path config = null;
        boolean test = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config" -> {
                    if (++i >= args.length) {
                        throw new IllegalArgumentException("option " + args[i - 1] + " needs a file");
                    }
                    config = Path.of(args[i]);
                }
                case "-t", "--test" -> test = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (config == null) {
            config = home.resolve("conf").resolve("sluice.yaml");
        }
        return new MasterOptions(home, config.toAbsolutePath().normalize(), test);
    }
}
