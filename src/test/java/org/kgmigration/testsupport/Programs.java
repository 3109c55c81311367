package org.kgmigration.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code bin/} wrappers (and so the shaded jar) as a user would, for *IT tests. */
public final class Programs {
    private Programs() {
    }

    /** The project directory (where bin/ and target/ are). */
    public static Path projectDir() {
        return Path.of(System.getProperty("kgm.project.dir", ".")).toAbsolutePath().normalize();
    }

    /** Result of one program run. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The stderr lines that are not log lines of the logging pattern. */
        public List<String> errLines() {
            return stderr.isEmpty() ? List.of() : List.of(stderr.split("\n"));
        }
    }

    /** A program invocation under construction. */
    public static final class Run {
        private final List<String> cmd = new ArrayList<>();
        private final Map<String, String> env = new java.util.HashMap<>();
        private Path cwd;
        private InputStream stdin;
        private Path stdoutFile;
        private long timeoutSeconds = 600;

        private Run(String program, List<String> args) {
            cmd.add(projectDir().resolve("bin").resolve(program).toString());
            cmd.addAll(args);
        }

        public Run env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Run cwd(Path dir) {
            this.cwd = dir;
            return this;
        }

        public Run stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        /** Send stdout to a file instead of memory (for big streams); Result.stdout is then empty. */
        public Run stdoutTo(Path file) {
            this.stdoutFile = file;
            return this;
        }

        public Run timeout(long seconds) {
            this.timeoutSeconds = seconds;
            return this;
        }

        public Result go() {
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().keySet().removeIf(k -> k.equals("DEBUG_LEVEL") || k.startsWith("KGDUMP_")
                        || k.startsWith("IMPORTER_") || k.equals("E4A_CONFIG"));
                pb.environment().putAll(env);
                if (cwd != null) {
                    pb.directory(cwd.toFile());
                }
                if (stdoutFile != null) {
                    pb.redirectOutput(stdoutFile.toFile());
                }
                Process p = pb.start();
                CompletableFuture<byte[]> out = stdoutFile != null ? CompletableFuture.completedFuture(new byte[0])
                        : CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
                CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
                try (OutputStream o = p.getOutputStream()) {
                    if (stdin != null) {
                        stdin.transferTo(o);
                    }
                } catch (IOException e) {
                    // the program may exit before reading all of stdin; its exit code tells
                }
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timeout after " + timeoutSeconds + " s: " + cmd);
                }
                return new Result(p.exitValue(), out.join(), new String(err.join(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    public static Run program(String program, String... args) {
        return new Run(program, List.of(args));
    }

    public static Run program(String program, List<String> args) {
        return new Run(program, args);
    }

    static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh temporary directory (deleted by the OS tmp cleaner; tests delete what is large). */
    public static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            synchronized (TEMP_DIRS) {
                if (TEMP_DIRS.isEmpty()) {
                    Runtime.getRuntime().addShutdownHook(new Thread(Programs::deleteTempDirs));
                }
                TEMP_DIRS.add(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Directories made by {@link #tempDir}, removed when the test JVM ends. */
    private static final java.util.List<Path> TEMP_DIRS = new java.util.ArrayList<>();

    private static void deleteTempDirs() {
        synchronized (TEMP_DIRS) {
            for (Path dir : TEMP_DIRS) {
                deleteTree(dir);
            }
        }
    }

    /** Deletes a directory tree, quietly (test clean-up). */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not remove " + dir + ": " + e);
        }
    }
}
