package io.scalemanager.server.cli;

import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.Scope;
import io.scalemanager.core.pattern.InstancePattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code scalemanager tokens create}: a new random token, printed once, and the line for the tokens file. */
@Command(name = "tokens", description = "Work with API tokens (config key api.tokens).",
        subcommands = TokensCommand.Create.class, mixinStandardHelpOptions = true)
public final class TokensCommand {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Print a new token once, and the entry to add to the tokens file (which keeps only its "
                    + "SHA-256). Exit 0 done, 2 bad usage.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "who holds it; the audit trail shows this name")
        String name;

        @Option(names = "--scopes", required = true, split = ",", paramLabel = "SCOPE[,SCOPE]",
                description = "ingest, read, operate, admin")
        List<String> scopes;

        @Option(names = "--instances", paramLabel = "GLOB", description = "instances an ingest token may report "
                + "for (default *)")
        String instances;

        @Override
        public Integer call() {
            return create(name, scopes, instances, System.out, System.err);
        }
    }

    static int create(String name, List<String> scopes, String instances, PrintStream out, PrintStream err) {
        if (!name.matches("[A-Za-z0-9._:@-]{1,64}")) {
            err.println("scalemanager: --name '" + name + "' must be 1-64 characters of A-Z a-z 0-9 . _ : @ -");
            return 2;
        }
        List<String> checked = new ArrayList<>();
        for (String s : scopes) {
            if (Scope.parse(s.strip()).isEmpty()) {
                err.println("scalemanager: --scopes: '" + s + "' is not one of ingest, read, operate, admin");
                return 2;
            }
            checked.add(s.strip());
        }
        if (instances != null) {
            try {
                InstancePattern.parse(instances);
            } catch (IllegalArgumentException e) {
                err.println("scalemanager: --instances: " + e.getMessage());
                return 2;
            }
        }
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        out.println("token (shown once; give it to its holder): " + token);
        out.println("add to the tokens file (api.tokens), under tokens:");
        out.println("  - {name: " + name + ", sha256: " + Credentials.sha256Hex(token) + ", scopes: ["
                + String.join(", ", checked) + "]" + (instances == null ? "" : ", instances: \"" + instances + "\"")
                + "}");
        return 0;
    }
}
