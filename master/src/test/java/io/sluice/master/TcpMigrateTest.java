package io.sluice.master;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code tcp_migrate_req} is host-wide: the master gives back the value it found, and only that. */
class TcpMigrateTest {

    @TempDir
    Path dir;

    private Path sysctl(String value) throws Exception {
        Path p = dir.resolve("tcp_migrate_req");
        Files.writeString(p, value + "\n");
        return p;
    }

    private static String read(Path p) throws Exception {
        return Files.readString(p).trim();
    }

    @Test
    void setAtStartAndWrittenBackAtStop() throws Exception {
        Path p = sysctl("0");
        TcpMigrate m = new TcpMigrate(p);
        m.apply(true);
        assertEquals("1", read(p));
        m.restore("the master stops");
        assertEquals("0", read(p));
    }

    @Test
    void aValueThatWasOneAlreadyIsLeftAtStop() throws Exception {
        Path p = sysctl("1");
        TcpMigrate m = new TcpMigrate(p);
        m.apply(true);
        m.restore("the master stops");
        assertEquals("1", read(p), "the master did not change it, so it does not change it back");
    }

    @Test
    void aValueChangedBySomeoneElseMeanwhileIsLeft() throws Exception {
        Path p = sysctl("0");
        TcpMigrate m = new TcpMigrate(p);
        m.apply(true);
        Files.writeString(p, "2\n"); // an operator changed it meanwhile
        m.restore("the master stops");
        assertEquals("2", read(p));
    }

    @Test
    void aReloadThatTurnsTheKeyOffWritesTheValueBackOnce() throws Exception {
        Path p = sysctl("0");
        TcpMigrate m = new TcpMigrate(p);
        m.apply(true);
        m.apply(false);
        assertEquals("0", read(p));
        Files.writeString(p, "1\n");
        m.restore("the master stops");
        assertEquals("1", read(p), "given back once; what happened since is not the master's");
    }

    @Test
    void offFromTheStartChangesNothing() throws Exception {
        Path p = sysctl("0");
        TcpMigrate m = new TcpMigrate(p);
        m.apply(false);
        m.restore("the master stops");
        assertEquals("0", read(p));
    }
}
