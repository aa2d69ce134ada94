package io.sluice.master;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The master does no media work: its code never uses the worker's classes, which are on its
 * classpath only because worker JVMs are started from the same one.
 */
class MasterIndependenceTest {

    @Test
    void masterSourcesDoNotImportWorkerCode() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            List<String> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readString(f).contains("import io.sluice.worker");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }
}
