package dev.releaserouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** One rule for the hash secret (exactly 32 hex digits), and errors that say how to fix it. */
class HashSecretTest {

    private static final String SECRET = "00112233445566778899aabbccddeeff";

    @Test
    void thirtyTwoHexDigits_areAccepted_inEitherCase_aroundWhitespaceIgnored() {
        assertThatCode(() -> ReleaseRouter.builder().hashSecretHex(SECRET)
                .hashSecretHex(SECRET.toUpperCase(java.util.Locale.ROOT))
                .hashSecretHex(" " + SECRET + "\n")).doesNotThrowAnyException();
    }

    @Test
    void aMissingSecret_saysItIsMissing_andHowToGenerateOne() {
        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecretHex(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash secret is missing")
                .hasMessageContaining("unset environment variable")
                .hasMessageContaining("router-cli")
                .hasMessageContaining(" secret")
                .hasMessageContaining("openssl rand -hex 16");
    }

    @Test
    void sixtyFourHexDigits_areRefused_namingTheRuleAndTheLength_notTheValue() {
        String longer = SECRET + SECRET;

        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecretHex(longer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly 32 hex digits (16 bytes), but had 64 characters")
                .hasMessageContaining("router-cli")
                .hasMessageNotContaining(longer);
    }

    @Test
    void anEmptySecret_isRefused_asZeroCharacters() {
        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecretHex("  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("but had 0 characters");
    }

    @Test
    void nonHex_isRefused_withoutShowingIt() {
        String bad = "zz112233445566778899aabbccddeeff";

        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecretHex(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exactly 32 hex digits (16 bytes), but it is not hex")
                .hasMessageNotContaining(bad);
    }

    @Test
    void bytes_mustBeSixteen_andNullSaysMissing() {
        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecret(new byte[8]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16 bytes, but was 8 bytes");
        assertThatThrownBy(() -> ReleaseRouter.builder().hashSecret(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash secret is missing");
    }

    @Test
    void theDefaultSecretWarning_namesTheBuilderMethodTheSpringPropertyAndTheGenerator() {
        assertThat(ReleaseRouter.DEFAULT_SECRET_WARNING)
                .contains("hashSecretHex(...)", "router.hash-secret", "router-cli", "secret");
    }
}
