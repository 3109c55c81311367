package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A large attachment passes writer → reader → validator in a JVM whose heap is far smaller than
 * the attachment: the codec streams and never holds more than a chunk or two.
 */
class DumpBoundedMemoryTest {
    @ParameterizedTest
    @CsvSource({"300, false", "96, true"})
    void a_large_attachment_streams_through_a_64_mib_heap(int mib, boolean compress) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", cp,
                BoundedMemoryMain.class.getName(), String.valueOf(mib), String.valueOf(compress)));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(300, TimeUnit.SECONDS), "timeout");
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        Matcher m = Pattern.compile("OK bytes=(\\d+) maxChunk=(\\d+) peakHeapMiB=(\\d+) maxHeapMiB=(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        assertEquals((long) mib << 20, Long.parseLong(m.group(1)));
        assertEquals(DumpFormat.MAX_CHUNK, Integer.parseInt(m.group(2)));
        assertTrue(Long.parseLong(m.group(4)) <= 64, text);
        assertTrue(Long.parseLong(m.group(3)) <= 64, text);
    }
}
