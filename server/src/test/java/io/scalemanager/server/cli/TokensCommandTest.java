package io.scalemanager.server.cli;

import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.access.Scope;
import io.scalemanager.core.access.TokenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TokensCommandTest {
    @TempDir
    Path dir;

    @Test
    void createPrintsATokenOnceAndALineTheTokensFileAccepts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = TokensCommand.create("web-agents", List.of("ingest"), "web-*",
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(code).isZero();
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        String token = lines[0].substring(lines[0].lastIndexOf(' ') + 1).strip();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43);
        assertThat(lines[2]).contains(Credentials.sha256Hex(token)).doesNotContain(token);

        Path file = dir.resolve("tokens.yaml");
        Files.writeString(file, "tokens:\n" + lines[2] + "\n");
        Credentials credentials = new Credentials(Optional.empty(), "api.token", Optional.of(TokenFile.load(file)));
        Caller caller = credentials.identify(token).orElseThrow();
        assertThat(caller.name()).isEqualTo("web-agents");
        assertThat(caller.may(Scope.INGEST)).isTrue();
        assertThat(caller.may(Scope.READ)).isFalse();
        assertThat(caller.mayIngest("web-7")).isTrue();
        assertThat(caller.mayIngest("db-1")).isFalse();
        assertThat(credentials.identify(token + "x")).isEmpty();
    }

    @Test
    void anUnknownScopeIsBadUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(TokensCommand.create("x", List.of("root"), null, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'root' is not one of");
    }
}
