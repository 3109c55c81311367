package org.kgmigration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.kgmigration.testsupport.Programs;
import org.kgmigration.testsupport.Programs.Result;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three bin/ wrappers, run from an unrelated directory, as an administrator would. */
class ProgramsCliIT {
    private static final Path ELSEWHERE = Programs.tempDir("kgm-cwd");

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void help_goes_to_stdout_and_lists_environment(String program) {
        Result r = Programs.program(program, "--help").cwd(ELSEWHERE).go();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.out().startsWith("Usage: " + program), r.out());
        assertTrue(r.out().contains("Environment:"), r.out());
        assertTrue(r.out().contains("DEBUG_LEVEL"), r.out());
        assertEquals("", r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void version_prints_program_and_version(String program) {
        Result r = Programs.program(program, "--version").cwd(ELSEWHERE).go();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.out().matches(program + " \\(kg-migration\\) \\d+\\.\\d+\\.\\d+.*\\n"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void runs_with_the_parallel_collector_unless_java_opts_choose_one(String program) {
        Result r = Programs.program(program, "--version").env("JAVA_OPTS", "-XX:+PrintCommandLineFlags")
                .cwd(ELSEWHERE).go();
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.out().contains("-XX:+UseParallelGC"), r.out());
        assertTrue(r.out().contains("-XX:MaxHeapSize=536870912"), r.out());
        // two collectors would stop the JVM at once: the one in JAVA_OPTS replaces the wrapper's
        Result g1 = Programs.program(program, "--version")
                .env("JAVA_OPTS", "-XX:+UseG1GC -XX:+PrintCommandLineFlags -Xmx300m").cwd(ELSEWHERE).go();
        assertEquals(0, g1.exitCode(), g1.stderr());
        assertTrue(g1.out().contains("-XX:+UseG1GC"), g1.out());
        assertFalse(g1.out().contains("UseParallelGC"), g1.out());
        assertTrue(g1.out().contains("-XX:MaxHeapSize=314572800"), g1.out());
        assertTrue(g1.out().contains(program + " (kg-migration)"), g1.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void unknown_option_is_one_line_and_exit_2(String program) {
        Result r = Programs.program(program, "--no-such-option").cwd(ELSEWHERE).go();
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().contains("--no-such-option"), r.stderr());
        assertEquals(0, r.stdout().length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void unknown_subcommand_is_one_line_and_exit_2(String program) {
        Result r = Programs.program(program, "frobnicate").cwd(ELSEWHERE).go();
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().contains("frobnicate"), r.stderr());
    }

    @ParameterizedTest
    @ValueSource(strings = {"kgdump", "migrate", "importer"})
    void bad_debug_level_is_refused(String program) {
        Result r = Programs.program(program, "--help").env("DEBUG_LEVEL", "loud").cwd(ELSEWHERE).go();
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r.stderr());
        assertTrue(r.stderr().contains("DEBUG_LEVEL"), r.stderr());
    }
}
