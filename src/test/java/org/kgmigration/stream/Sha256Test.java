package org.kgmigration.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Sha256Test {
    @Test
    void hex_is_the_fips_180_test_vector_in_lower_case() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                Sha256.hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(new byte[0]));
    }

    @Test
    void every_call_gives_a_new_digest() {
        var a = Sha256.digest();
        var b = Sha256.digest();
        assertNotSame(a, b);
        a.update((byte) 'a');
        assertEquals(Sha256.hex(new byte[0]), HexFormat.of().formatHex(b.digest()), "b is not affected by a");
    }
}
