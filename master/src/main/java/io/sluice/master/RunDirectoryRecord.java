package io.sluice.master;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Where the master started with a configuration file keeps its run directory: one small file per
 * configuration file under {@code SLUICE_HOME/run/masters/}, written at start and removed at stop.
 *
 * <p>{@code bin/ctl} and {@code bin/stop} find the master through the configuration's
 * {@code paths.run_dir}. Once that key is edited while the master runs, the file names a
 * directory the master does not use; the record still names the right one, so {@code bin/ctl
 * reload} reaches the master, which refuses the change naming the key, and {@code bin/stop}
 * stops it. Keyed by the configuration file, so masters started from one installation with
 * different files do not share a record.
 */
public final class RunDirectoryRecord {

    private RunDirectoryRecord() {
    }

    /** The record of the master started with {@code configFile}. */
    static Path file(Path home, Path configFile) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(normal(configFile).toString().getBytes(StandardCharsets.UTF_8));
            return home.resolve("run").resolve("masters").resolve(HexFormat.of().formatHex(hash, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Records that the master started with {@code configFile} uses {@code runDir}. */
    static void write(Path home, Path configFile, Path runDir) throws IOException {
        Path file = file(home, configFile);
        Files.createDirectories(file.getParent(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.write(tmp, List.of("config=" + normal(configFile), "run_dir=" + normal(runDir)));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes the record, if it still names {@code runDir} (another master may have replaced it). */
    static void remove(Path home, Path configFile, Path runDir) {
        if (read(home, configFile).filter(normal(runDir)::equals).isPresent()) {
            try {
                Files.deleteIfExists(file(home, configFile));
            } catch (IOException ignored) {
                // a stale record is harmless: it is only followed while a control socket is there
            }
        }
    }

    /** The run directory recorded for {@code configFile}, if any. */
    static Optional<Path> read(Path home, Path configFile) {
        try {
            List<String> lines = Files.readAllLines(file(home, configFile));
            if (lines.size() == 2 && lines.get(0).equals("config=" + normal(configFile))
                    && lines.get(1).startsWith("run_dir=")) {
                return Optional.of(Path.of(lines.get(1).substring("run_dir=".length())));
            }
        } catch (IOException | RuntimeException e) {
            // no record, or not one of ours
        }
        return Optional.empty();
    }

    /**
     * The run directory of the master started with {@code configFile}: the recorded one while a
     * master's control socket is there, else {@code configured} (the file's {@code paths.run_dir}).
     */
    public static Path locate(Path home, Path configFile, Path configured) {
        return read(home, configFile).filter(dir -> Files.exists(dir.resolve("control.sock"))).orElse(configured);
    }

    private static Path normal(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
