package org.kgmigration.importer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.kgmigration.api.ApiJson;
import org.kgmigration.error.ExitCodes;
import org.kgmigration.error.KgmException;
import org.kgmigration.cli.StdStreams;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.Sizes;
import org.kgmigration.importer.store.FolderStats;
import org.kgmigration.importer.store.MailboxStats;
import org.kgmigration.importer.store.MailboxStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code importer stats}: what the mailbox store holds, per mailbox and folder. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints per mailbox and per folder: messages, attachments and total size (including"
                + " attachment data).")
public final class StatsCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", arity = "0..1", paramLabel = "UPN", description = "only this user (default: all)")
    String upn;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String u = upn == null ? null : UsersCommand.upn(upn);
        ImporterConfig cfg = store.loadConfig();
        List<MailboxStats> stats;
        try (MailboxStore s = store.open(cfg)) {
            stats = s.stats(u);
        }
        if (u != null && stats.isEmpty()) {
            throw new KgmException("user " + u + " does not exist");
        }
        PrintStream out = StdStreams.stdoutText();
        if (json) {
            ObjectMapper m = ApiJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);
            out.println(m.writeValueAsString(stats));
        } else {
            for (MailboxStats ms : stats) {
                out.printf(Locale.ROOT, "%s%s: %d messages, %d attachments, %s (%d bytes)%s%n", ms.upn(),
                        ms.displayName() == null ? "" : " (" + ms.displayName() + ")", ms.messages(), ms.attachments(),
                        Sizes.human(ms.bytes()), ms.bytes(), ms.active() ? ", active" : ", inactive");
                for (FolderStats f : ms.folders()) {
                    out.printf(Locale.ROOT, "  %-50s %8d messages %8d attachments %12d bytes%n", f.path(), f.messages(),
                            f.attachments(), f.bytes());
                }
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
