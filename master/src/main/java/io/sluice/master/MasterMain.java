package io.sluice.master;

import io.sluice.common.ExitCodes;
import io.sluice.common.config.ConfigException;
import io.sluice.common.config.ConfigLoader;
import io.sluice.common.config.SluiceConfig;
import io.sluice.common.log.LogLevels;
import io.sluice.common.log.ProcessTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Entry point of the master process ({@code bin/start} runs it). Exit codes: 0 after a clean
 * stop; {@link ExitCodes#BAD_CONFIG} for an invalid configuration, a port in use or a missing
 * epoll transport; {@link ExitCodes#USAGE} for a bad command line; 1 when it is already running
 * or cannot use its run directory.
 */
public final class MasterMain {

    private MasterMain() {
    }

    public static void main(String[] args) {
        ProcessTag.set("master");
        Path home = Path.of(System.getProperty("sluice.home", System.getenv().getOrDefault("SLUICE_HOME", ".")))
                .toAbsolutePath().normalize();
        MasterOptions options;
        try {
            options = MasterOptions.parse(args, home);
        } catch (IllegalArgumentException e) {
            System.err.println("sluice: " + e.getMessage());
            System.err.println(MasterOptions.USAGE);
            System.exit(ExitCodes.USAGE);
            return;
        }
        Logger log = LoggerFactory.getLogger(MasterMain.class);
        SluiceConfig config;
        try {
            config = ConfigLoader.loadOrDefaults(options.config());
        } catch (ConfigException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(ExitCodes.BAD_CONFIG);
            return;
        }
        if (options.testOnly()) {
            System.out.println("sluice: configuration " + options.config() + " is valid");
            System.exit(ExitCodes.OK);
            return;
        }
        LogLevels.apply(config.log().level());
        System.exit(new Master(options, config).run());
    }
}
