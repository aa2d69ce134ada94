package io.sluice.master.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bin/start, bin/stop and bin/ctl as an operator uses them, including the ways they refuse. */
@Timeout(180)
class ScriptsIT {

    private static final String START = SluiceServer.HOME.resolve("bin/start").toString();
    private static final String STOP = SluiceServer.HOME.resolve("bin/stop").toString();
    private static final String CTL = SluiceServer.HOME.resolve("bin/ctl").toString();

    @Test
    void daemonStartStatusStopAndASecondStartRefused(@TempDir Path dir) throws Exception {
        // A quiet log level: bin/start still sees the start line (logged whatever the level).
        SluiceServer s = SluiceServer.configure(dir, "workers: 1\nlog:\n  level: warn\n");
        String config = s.config().toString();
        SluiceServer.Result started = SluiceServer.run(List.of(START, "-d", "-c", config));
        Path pidFile = dir.resolve("run/sluice.pid");
        ProcessHandle master = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElse(null) : null;
        List<ProcessHandle> family = master == null ? List.of() : master.descendants().toList();
        long pid = master == null ? -1 : master.pid();
        SluiceServer.Result stopped;
        List<Long> leftBehind;
        boolean masterAlive;
        try {
            // Inside the try: a failed assertion still stops the daemon below.
            assertEquals(0, started.exitCode(), started.err());
            assertTrue(started.out().contains("sluice: started (master pid"), started.out());
            assertTrue(started.out().contains("Sluice started: 1 worker(s) on 0.0.0.0:"), started.out());
            assertTrue(master != null && master.isAlive(), "the master runs");
            assertEquals(1, family.stream().filter(h -> h.info().arguments()
                    .map(a -> List.of(a).contains("--channel")).orElse(false)).count(), "one worker");
            SluiceServer.Result again = SluiceServer.run(List.of(START, "-d", "-c", config));
            assertEquals(1, again.exitCode());
            assertTrue(again.err().contains("already running (pid " + pid), again.err());

            SluiceServer.Result status = SluiceServer.run(List.of(CTL, "-c", config, "status"));
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("master pid   " + pid), status.out());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run"))));
            assertEquals("rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("run/control.sock"))));
            assertTrue(Files.readString(dir.resolve("logs/sluice.log")).contains("Sluice started"));
        } finally {
            stopped = SluiceServer.run(List.of(STOP, "-c", config));
            leftBehind = family.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            masterAlive = master != null && master.isAlive();
            // Whatever bin/stop left is killed here, so that a failing test leaks no process.
            family.forEach(ProcessHandle::destroyForcibly);
            if (masterAlive) {
                master.destroyForcibly();
            }
        }
        assertEquals(0, stopped.exitCode(), stopped.err());
        assertEquals(List.of(), leftBehind, "processes left behind by bin/stop");
        assertFalse(masterAlive, "the master stopped");
        assertFalse(Files.exists(pidFile), "pid file removed");
        assertFalse(Files.exists(dir.resolve("run/control.sock")), "control socket removed");
        assertFalse(Files.exists(dir.resolve("run/master.sock")), "channel socket removed");
        try (var sockets = Files.list(dir.resolve("run"))) {
            assertEquals(List.of(), sockets.filter(p -> p.toString().endsWith(".sock")).toList());
        }

        SluiceServer.Result stopAgain = SluiceServer.run(List.of(STOP, "-c", config));
        assertEquals(69, stopAgain.exitCode());
        assertTrue(stopAgain.err().contains("not running"), stopAgain.err());
        SluiceServer.Result ctl = SluiceServer.run(List.of(CTL, "-c", config, "status"));
        assertEquals(69, ctl.exitCode());
        assertTrue(ctl.err().contains("Sluice is not running"), ctl.err());
        assertTrue(!Files.readString(dir.resolve("logs/sluice.log")).contains(" ERROR "));
    }

    private static SluiceServer.Result startWith(Path dir, String yaml) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, yaml + "paths:\n  run_dir: " + dir.resolve("run") + "\n");
        return SluiceServer.run(List.of(START, "-c", config.toString()));
    }

    @Test
    void anInvalidConfigurationIsRefusedNamingFileLineAndKey(@TempDir Path dir) throws Exception {
        SluiceServer.Result unknown = startWith(dir, "workers: 1\nrtmp:\n  prot: 1935\n");
        assertEquals(78, unknown.exitCode());
        assertTrue(unknown.out().contains("bad.yaml:3:3: rtmp.prot: unknown key"), unknown.out());

        SluiceServer.Result type = startWith(dir, "rtmp:\n  port: abc\n");
        assertEquals(78, type.exitCode());
        assertTrue(type.out().contains("bad.yaml:2:9: rtmp.port:"), type.out());

        SluiceServer.Result count = startWith(dir, "workers: 0\n");
        assertEquals(78, count.exitCode());
        assertTrue(count.out().contains("bad.yaml:1:10: workers:"), count.out());

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            SluiceServer.Result inUse = startWith(dir, "workers: 1\nrtmp:\n  port: " + taken.getLocalPort() + "\n");
            assertEquals(78, inUse.exitCode(), inUse.out());
            assertTrue(inUse.out().contains("bad.yaml:3:9: rtmp.port: cannot listen on 0.0.0.0:" + taken.getLocalPort()),
                    inUse.out());
        }
        assertFalse(Files.exists(dir.resolve("run/sluice.pid")), "nothing left running");
    }

    @Test
    void theCliExplainsItselfAndRefusesBadArguments(@TempDir Path dir) throws Exception {
        SluiceServer s = SluiceServer.configure(dir, "");
        String config = s.config().toString();
        SluiceServer.Result help = SluiceServer.run(List.of(CTL, "--help"));
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("where APP/NAME"), help.out());
        SluiceServer.Result whereHelp = SluiceServer.run(List.of(CTL, "where", "--help"));
        assertEquals(0, whereHelp.exitCode());
        assertTrue(whereHelp.out().contains("relay"), whereHelp.out());
        SluiceServer.Result unknown = SluiceServer.run(List.of(CTL, "-c", config, "explode"));
        assertEquals(64, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown command 'explode'"), unknown.err());
        SluiceServer.Result where = SluiceServer.run(List.of(CTL, "-c", config, "where"));
        assertEquals(64, where.exitCode());
        assertTrue(where.err().contains("APP/NAME"), where.err());
        SluiceServer.Result startHelp = SluiceServer.run(List.of(START, "--nope"));
        assertEquals(64, startHelp.exitCode());
        assertTrue(startHelp.err().contains("unknown option '--nope'"), startHelp.err());
    }

    @Test
    void startMinusTChecksTheConfigurationAndStartsNothing(@TempDir Path dir) throws Exception {
        SluiceServer s = SluiceServer.configure(dir, "workers: 1\n");
        SluiceServer.Result valid = SluiceServer.run(List.of(START, "-t", "-c", s.config().toString()));
        assertEquals(0, valid.exitCode(), valid.err());
        assertTrue(valid.out().contains("configuration " + s.config() + " is valid"), valid.out());
        s.rewrite("workers: 1\ngop_cache:\n  max_frames: 0\n");
        SluiceServer.Result invalid = SluiceServer.run(List.of(START, "-t", "-c", s.config().toString()));
        assertEquals(78, invalid.exitCode(), invalid.out());
        assertTrue(invalid.out().contains("sluice.yaml:8:15: gop_cache.max_frames:"), invalid.out());
        assertFalse(Files.exists(dir.resolve("run")), "nothing was started");
    }

    /** A directory that is not empty where worker {@code id}'s relay socket goes: that worker fails at every start. */
    private static void blockRelayEndpoint(Path dir, int id) throws Exception {
        Files.createDirectories(dir.resolve("run/worker-" + id + ".g1.sock"));
        Files.writeString(dir.resolve("run/worker-" + id + ".g1.sock/in-the-way"), "not a socket");
    }

    /**
     * A worker slot whose relay endpoint cannot be bound fails at every start; the other slot
     * runs. bin/start -d says which slot gave up and why, and exits 0.
     */
    @Test
    void aCrashLoopingSlotGivesUpAndTheServerStartsWithTheOthers(@TempDir Path dir) throws Exception {
        SluiceServer s = SluiceServer.configure(dir, "workers: 2\nworker:\n  respawn_max_failures: 2\n"
                + "  respawn_window: 5m\n");
        blockRelayEndpoint(dir, 2);
        String config = s.config().toString();
        SluiceServer.Result started = SluiceServer.run(List.of(START, "-d", "-c", config));
        Path pidFile = dir.resolve("run/sluice.pid");
        ProcessHandle master = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElse(null) : null;
        List<ProcessHandle> family = master == null ? List.of() : master.descendants().toList();
        SluiceServer.Result stopped;
        try {
            assertEquals(0, started.exitCode(), started.err());
            assertTrue(started.out().contains("Sluice started: 1 of 2 worker(s) on 0.0.0.0:" + s.port()), started.out());
            assertTrue(started.out().contains("worker slot 2 gave up: failed 2 times within 300 s (last: exited with "
                    + "code 1 before it was running (failed start))"), started.out());
            SluiceServer.Result status = SluiceServer.run(List.of(CTL, "-c", config, "status"));
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("worker slot 2 not respawned: failed 2 times"), status.out());
        } finally {
            stopped = SluiceServer.run(List.of(STOP, "-c", config));
            family.forEach(ProcessHandle::destroyForcibly);
            if (master != null) {
                master.destroyForcibly();
            }
        }
        assertEquals(0, stopped.exitCode(), stopped.err());
    }

    @Test
    void whenNoSlotCanRunTheMasterFailsAndBinStartSaysWhy(@TempDir Path dir) throws Exception {
        SluiceServer s = SluiceServer.configure(dir, "workers: 1\nworker:\n  respawn_max_failures: 1\n");
        blockRelayEndpoint(dir, 1);
        SluiceServer.Result started = SluiceServer.run(List.of(START, "-d", "-c", s.config().toString()));
        Path pidFile = dir.resolve("run/sluice.pid");
        if (Files.exists(pidFile)) {
            // It started after all (the assertions below fail): leave no process behind.
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(master -> {
                master.descendants().forEach(ProcessHandle::destroyForcibly);
                master.destroyForcibly();
            });
        }
        assertEquals(1, started.exitCode(), started.out());
        assertTrue(started.err().contains("sluice: failed to start (exit code 1): no worker of generation 1 could "
                + "run: worker slot 1 gave up: failed 1 times"), started.err());
        assertFalse(Files.exists(pidFile), "the master is gone");
    }

    /**
     * After paths.run_dir is edited in the file the master started with, bin/ctl still reaches
     * it (reload is refused naming the key, exit 1) and bin/stop still stops it.
     */
    @Test
    void ctlAndStopFindTheMasterAfterItsRunDirectoryWasEdited(@TempDir Path dir) throws Exception {
        try (SluiceServer s = SluiceServer.start(dir, "workers: 1\n")) {
            s.expectError("refused");
            s.rewriteRaw("rtmp:\n  port: " + s.port() + "\n" + s.httpYaml() + "workers: 1\npaths:\n  run_dir: " + dir.resolve("elsewhere")
                    + "\n  log_dir: " + dir.resolve("logs") + "\n");
            SluiceServer.Result reload = s.ctl("reload");
            assertEquals(1, reload.exitCode(), reload.out() + reload.err());
            assertTrue(reload.err().contains("paths.run_dir can only change with a restart"), reload.err());
            SluiceServer.Result status = s.ctl("status");
            assertEquals(0, status.exitCode(), status.err());
            assertTrue(status.out().contains("master pid   " + s.masterPid()), status.out());
            SluiceServer.Result stopped = SluiceServer.run(List.of(STOP, "-c", s.config().toString()));
            assertEquals(0, stopped.exitCode(), stopped.err());
            assertTrue(stopped.out().contains("stopped (pid " + s.masterPid() + ")"), stopped.out());
            assertFalse(s.masterProcess().isAlive());
            assertFalse(Files.exists(dir.resolve("elsewhere")), "nothing was made where the file now points");
        }
    }
}
