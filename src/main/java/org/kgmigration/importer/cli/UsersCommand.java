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
import org.kgmigration.error.UsageException;
import org.kgmigration.importer.ImporterConfig;
import org.kgmigration.importer.Sizes;
import org.kgmigration.importer.store.MailboxStore;
import org.kgmigration.importer.store.UserRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code importer users ...}: the target users (mailboxes) imports may write into. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = {"Manages the target users. Imports go only into users that exist and are inactive.",
            "Works while 'serve' runs (the embedded store is shared through H2's auto-server mode)."},
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.SetActive.class,
            UsersCommand.SetQuota.class, UsersCommand.Remove.class})
public final class UsersCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(UsersCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        spec.commandLine().getErr().println(spec.qualifiedName() + ": a subcommand is required");
        return ExitCodes.USAGE;
    }

    static String upn(String upn) {
        try {
            return MailboxStore.normalizeUpn(upn);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    static Long quota(String value) {
        if (value == null || value.equalsIgnoreCase("none") || value.equalsIgnoreCase("unlimited")) {
            return null;
        }
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UsageException("quota '" + value + "' " + e.getMessage() + " (or 'none')");
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a target user (active unless --inactive).")
    static final class Add implements Callable<Integer> {
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "UPN", description = "user principal name, user@domain")
        String upn;
        @Option(names = "--display-name", paramLabel = "NAME", description = "display name")
        String displayName;
        @Option(names = "--inactive", description = "create it inactive, ready for import")
        boolean inactive;
        @Option(names = "--quota", paramLabel = "BYTES", description = "quota, e.g. 10G (default: none)")
        String quota;

        @Override
        public Integer call() {
            String u = upn(upn);
            Long q = quota(quota);
            ImporterConfig cfg = store.loadConfig();
            try (MailboxStore s = store.open(cfg)) {
                UserRow r = s.addUser(u, displayName, !inactive, q);
                LOG.info("added user {} ({}, quota {})", r.upn(), r.active() ? "active" : "inactive",
                        q == null ? "none" : Sizes.human(q));
            } catch (IllegalArgumentException e) {
                throw new KgmException(e.getMessage());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the target users.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        StoreOptions store;
        @Option(names = "--json", description = "print JSON instead of a table")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ImporterConfig cfg = store.loadConfig();
            List<UserRow> users;
            try (MailboxStore s = store.open(cfg)) {
                users = s.users();
            }
            PrintStream out = StdStreams.stdoutText();
            if (json) {
                ObjectMapper m = ApiJson.mapper().enable(SerializationFeature.INDENT_OUTPUT);
                out.println(m.writeValueAsString(users.stream().map(u -> new UserJson(u.upn(), u.displayName(), u.active(),
                        u.quotaBytes(), u.usageBytes(), u.messageCount())).toList()));
            } else {
                out.printf(Locale.ROOT, "%-40s %-8s %12s %12s %10s  %s%n", "UPN", "ACTIVE", "QUOTA", "USAGE", "MESSAGES",
                        "DISPLAY NAME");
                for (UserRow u : users) {
                    out.printf(Locale.ROOT, "%-40s %-8s %12s %12s %10d  %s%n", u.upn(), u.active() ? "yes" : "no",
                            u.quotaBytes() == null ? "none" : Sizes.human(u.quotaBytes()), Sizes.human(u.usageBytes()),
                            u.messageCount(), u.displayName() == null ? "" : u.displayName());
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** A user in {@code users list --json}. */
    record UserJson(String upn, String displayName, boolean active, Long quotaBytes, long usageBytes, long messages) {
    }

    @Command(name = "set-active", mixinStandardHelpOptions = true,
            description = "Marks a user active (in use: imports refused) or inactive (imports allowed).")
    static final class SetActive implements Callable<Integer> {
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "UPN")
        String upn;
        @Parameters(index = "1", paramLabel = "true|false")
        String value;

        @Override
        public Integer call() {
            String u = upn(upn);
            boolean active;
            if (value.equalsIgnoreCase("true")) {
                active = true;
            } else if (value.equalsIgnoreCase("false")) {
                active = false;
            } else {
                throw new UsageException("set-active needs true or false, not '" + value + "'");
            }
            try (MailboxStore s = store.open(store.loadConfig())) {
                if (!s.setActive(u, active)) {
                    throw new KgmException("user " + u + " does not exist");
                }
            }
            LOG.info("user {} is now {}", u, active ? "active" : "inactive");
            return ExitCodes.OK;
        }
    }

    @Command(name = "set-quota", mixinStandardHelpOptions = true, description = "Sets a user's quota ('none' removes it).")
    static final class SetQuota implements Callable<Integer> {
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "UPN")
        String upn;
        @Parameters(index = "1", paramLabel = "BYTES", description = "e.g. 5368709120, 5G or none")
        String value;

        @Override
        public Integer call() {
            String u = upn(upn);
            Long q = quota(value);
            try (MailboxStore s = store.open(store.loadConfig())) {
                if (!s.setQuota(u, q)) {
                    throw new KgmException("user " + u + " does not exist");
                }
            }
            LOG.info("quota of {} is now {}", u, q == null ? "none" : Sizes.human(q));
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a user. A mailbox with messages is removed only with --purge.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        StoreOptions store;
        @Parameters(index = "0", paramLabel = "UPN")
        String upn;
        @Option(names = "--purge", description = "also delete the mailbox's folders and messages")
        boolean purge;

        @Override
        public Integer call() {
            String u = upn(upn);
            try (MailboxStore s = store.open(store.loadConfig())) {
                if (!s.removeUser(u, purge)) {
                    throw new KgmException("user " + u + " does not exist");
                }
            } catch (IllegalStateException e) {
                throw new KgmException(e.getMessage());
            }
            LOG.info("removed user {}", u);
            return ExitCodes.OK;
        }
    }
}
