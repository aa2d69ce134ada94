package io.sluice.master;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The master's runtime directory ({@code paths.run_dir}, mode 0700): the pid file, a lock that
 * makes a second master refuse to start, and the Unix sockets (channel, control, relays).
 *
 * <p>The lock is an OS file lock, released by the kernel when the process dies, so a master
 * killed with SIGKILL never blocks the next start; the pid file is for scripts and humans.
 */
public final class RunDirectory implements AutoCloseable {

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Linux limits a Unix socket path to 107 bytes (sun_path is 108 with the terminating zero). */
    static final int MAX_SOCKET_PATH = 107;

    private final Path dir;
    private FileChannel lockFile;
    private FileLock lock;

    public RunDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path pidFile() {
        return dir.resolve("sluice.pid");
    }

    public Path channelSocket() {
        return dir.resolve("master.sock");
    }

    public Path controlSocket() {
        return dir.resolve("control.sock");
    }

    /** The relay endpoint of worker {@code id} (worker-to-worker media). */
    public Path relaySocket(int id, int generation) {
        return dir.resolve("worker-" + id + ".g" + generation + ".sock");
    }

    /**
     * Creates the directory (0700), takes the lock and writes the pid file.
     *
     * @throws AlreadyRunningException when another master holds the lock
     * @throws IOException             when the directory cannot be used
     */
    public void acquire() throws IOException {
        if (channelSocket().toString().length() + 16 > MAX_SOCKET_PATH) {
            throw new IOException("run directory " + dir + " is too long for Unix socket paths (Linux allows "
                    + MAX_SOCKET_PATH + " bytes); set paths.run_dir to a shorter path");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        Files.setPosixFilePermissions(dir, OWNER_ONLY); // the umask may have cleared bits, or it pre-existed
        lockFile = FileChannel.open(dir.resolve("sluice.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockFile.tryLock();
        if (lock == null) {
            lockFile.close();
            lockFile = null;
            throw new AlreadyRunningException(runningPid().map(pid -> "pid " + pid).orElse("unknown pid"), pidFile());
        }
        Files.writeString(pidFile(), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    /** The pid in the pid file, if there is one that parses. */
    public Optional<Long> runningPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes the pid file and sockets, then releases the lock. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(pidFile());
            Files.deleteIfExists(channelSocket());
            Files.deleteIfExists(controlSocket());
            try (var sockets = Files.newDirectoryStream(dir, "worker-*.sock")) {
                for (Path p : sockets) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException ignored) {
            // best effort at exit: the next start removes stale sockets anyway
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockFile != null) {
                lockFile.close();
            }
        } catch (IOException ignored) {
            // the kernel releases it at exit
        }
    }

    /** Another master holds the run directory. */
    public static final class AlreadyRunningException extends IOException {
        public AlreadyRunningException(String who, Path pidFile) {
            super("Sluice is already running (" + who + ", pid file " + pidFile + "); stop it first with bin/stop");
        }
    }
}
