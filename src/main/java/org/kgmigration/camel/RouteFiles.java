package org.kgmigration.camel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The YAML route files of each program, named one by one. A wildcard location such as
 * {@code classpath:routes/dump-*.camel.yaml} makes Camel scan the whole classpath (the 80 MB shaded
 * jar) at every start, about a second; named files are loaded directly. {@code RouteFilesTest}
 * checks that these lists name exactly the files in {@code src/main/resources/routes/} of each
 * prefix, so a new route file cannot be forgotten here.
 */
public final class RouteFiles {
    /** kgdump dump. */
    public static final List<String> DUMP = List.of("dump-stores", "dump-store");
    /** migrate import. */
    public static final List<String> IMPORT = List.of("import-run", "import-preflight", "import-capabilities",
            "import-folders", "import-messages", "import-blob-head", "import-blob-put", "import-blob-query",
            "import-delivery", "import-complete");
    /** migrate inspect. */
    public static final List<String> INSPECT = List.of("inspect-dump");
    /** importer serve. */
    public static final List<String> IMPORTER = List.of("importer-api", "importer-capabilities", "importer-preflight",
            "importer-folders", "importer-messages", "importer-blobs", "importer-blob-query",
            "importer-complete");

    private RouteFiles() {
    }

    /** The camel-main route locations of {@code names}, comma separated. */
    public static String locations(List<String> names) {
        return names.stream().map(n -> "classpath:routes/" + n + ".camel.yaml").collect(Collectors.joining(","));
    }
}
