package io.sluice.master.it;

import com.sun.tools.attach.VirtualMachine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Makes a running JVM call {@code System.exit(code)} of its own accord, through the attach API:
 * a worker exiting 0 without the master asking, which no signal produces (SIGTERM gives 143).
 */
public final class ExitAgent {

    private ExitAgent() {
    }

    /** Runs in the target JVM. */
    public static void agentmain(String args) {
        int code = Integer.parseInt(args);
        new Thread(() -> System.exit(code), "exit-agent").start();
    }

    /** Makes process {@code pid} exit with {@code code}; {@code dir} holds the agent jar. */
    public static void exit(long pid, int code, Path dir) throws Exception {
        Path jar = dir.resolve("exit-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Agent-Class"), ExitAgent.class.getName());
        String entry = ExitAgent.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             InputStream in = ExitAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid));
        try {
            vm.loadAgent(jar.toString(), String.valueOf(code));
        } finally {
            try {
                vm.detach();
            } catch (IOException gone) {
                // the target exited, as asked
            }
        }
    }
}
