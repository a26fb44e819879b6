package io.scalemanager.core.secret;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    @AfterEach
    void forget() {
        Secrets.clear();
    }

    @Test
    void knownSecretsAndSecretLookingEnvironmentValuesAreRedacted() {
        Secrets.register("s3cret-api-token");
        Secrets.registerFromEnvironment(Map.of("SCALEMANAGER_DB_PASSWORD", "db-pass-word", "HOSTER_API_KEY",
                "k-123456789", "HOME", "/root-home-dir"));
        String shown = Secrets.redact("token s3cret-api-token, password db-pass-word, key k-123456789, "
                + "home /root-home-dir", 1000);
        assertThat(shown).isEqualTo("token [redacted], password [redacted], key [redacted], home /root-home-dir");
    }

    @Test
    void aSecretContainingAnotherIsRedactedWhole() {
        Secrets.register("abcdef");
        Secrets.register("abcdefghij");
        assertThat(Secrets.redact("x abcdefghij y", 100)).isEqualTo("x [redacted] y");
    }

    @Test
    void shortValuesAreNotSecretsAndLongTextIsCut() {
        Secrets.register("ab");
        assertThat(Secrets.redact("ab ab", 100)).isEqualTo("ab ab");
        assertThat(Secrets.redact("x".repeat(50), 10)).isEqualTo("x".repeat(10) + "… (cut)");
    }
}
