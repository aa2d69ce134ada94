package io.sluice.master;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** How bin/ctl finds a master whose configuration file's paths.run_dir was edited after it started. */
class RunDirectoryRecordTest {

    @TempDir
    Path home;

    @Test
    void theRecordedRunDirectoryWinsWhileAMasterListensThere() throws Exception {
        Path config = home.resolve("conf/sluice.yaml");
        Path started = home.resolve("run");
        Path edited = home.resolve("elsewhere");
        RunDirectoryRecord.write(home, config, started);
        assertEquals(edited, RunDirectoryRecord.locate(home, config, edited), "no control socket: not running there");
        Files.createDirectories(started);
        Files.createFile(started.resolve("control.sock"));
        assertEquals(started, RunDirectoryRecord.locate(home, config, edited));
        assertEquals(edited, RunDirectoryRecord.locate(home, home.resolve("conf/other.yaml"), edited),
                "recorded per configuration file");
    }

    @Test
    void removedAtStopUnlessAnotherMasterReplacedIt() throws Exception {
        Path config = home.resolve("a.yaml");
        RunDirectoryRecord.write(home, config, home.resolve("one"));
        RunDirectoryRecord.write(home, config, home.resolve("two"));
        RunDirectoryRecord.remove(home, config, home.resolve("one"));
        assertEquals(Optional.of(home.resolve("two")), RunDirectoryRecord.read(home, config));
        RunDirectoryRecord.remove(home, config, home.resolve("two"));
        assertEquals(Optional.empty(), RunDirectoryRecord.read(home, config));
    }

    @Test
    void theSamePathWrittenDifferentlyIsTheSameRecord() {
        assertEquals(RunDirectoryRecord.file(home, home.resolve("conf/../conf/sluice.yaml")),
                RunDirectoryRecord.file(home, home.resolve("conf/sluice.yaml")));
        assertNotEquals(RunDirectoryRecord.file(home, home.resolve("a.yaml")),
                RunDirectoryRecord.file(home, home.resolve("b.yaml")));
    }
}
