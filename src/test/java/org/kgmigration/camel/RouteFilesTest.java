package org.kgmigration.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every route file is named in {@link RouteFiles}, under the program its prefix belongs to. */
class RouteFilesTest {
    private static TreeSet<String> onDisk(String prefix) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            TreeSet<String> names = new TreeSet<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".camel.yaml"))
                    .map(n -> n.substring(0, n.length() - ".camel.yaml".length()))
                    .filter(n -> n.startsWith(prefix)).forEach(names::add);
            return names;
        }
    }

    @Test
    void the_lists_name_exactly_the_route_files() throws IOException {
        TreeSet<String> importOnly = onDisk("import-");
        assertEquals(onDisk("dump-"), new TreeSet<>(RouteFiles.DUMP));
        assertEquals(importOnly, new TreeSet<>(RouteFiles.IMPORT));
        assertEquals(onDisk("inspect-"), new TreeSet<>(RouteFiles.INSPECT));
        assertEquals(onDisk("importer-"), new TreeSet<>(RouteFiles.IMPORTER));
        TreeSet<String> all = onDisk("");
        TreeSet<String> listed = new TreeSet<>();
        for (List<String> l : List.of(RouteFiles.DUMP, RouteFiles.IMPORT, RouteFiles.INSPECT, RouteFiles.IMPORTER)) {
            listed.addAll(l);
        }
        assertEquals(all, listed, "a route file that belongs to no program");
    }

    @Test
    void every_location_is_on_the_classpath() {
        for (String loc : RouteFiles.locations(RouteFiles.IMPORT).split(",")) {
            assertNotNull(getClass().getClassLoader().getResource(loc.substring("classpath:".length())), loc);
        }
        assertEquals("classpath:routes/inspect-dump.camel.yaml", RouteFiles.locations(RouteFiles.INSPECT));
    }
}
