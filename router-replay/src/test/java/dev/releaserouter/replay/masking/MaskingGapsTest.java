package dev.releaserouter.replay.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11: identifiers stored as JSON numbers, and e-mail addresses on a host without
 * a dotted domain, are personal data too.
 */
class MaskingGapsTest {

    static final Masker MASKER = MaskingRules.builder(new byte[32]).build();

    @Test
    void maskJson_cpfStoredAsAJsonNumber_isMasked() {
        assertThat(MASKER.maskJson("{\"cpf\":52998224725,\"n\":[52998224725]}"))
                .isEqualTo("{\"cpf\":\"[CPF]\",\"n\":[\"[CPF]\"]}");
    }

    @Test
    void maskJson_cnpjAndCardStoredAsJsonNumbers_areMasked() {
        assertThat(MASKER.maskJson("{\"cnpj\":11222333000181,\"card\":4111111111111111}"))
                .isEqualTo("{\"cnpj\":\"[CNPJ]\",\"card\":\"[CARD]\"}");
    }

    @Test
    void maskValue_cpfInALongField_isMasked() {
        assertThat(MASKER.maskValue(Map.of("customer", 52998224725L)))
                .isEqualTo("{\"customer\":\"[CPF]\"}");
    }

    @Test
    void maskJson_numbersThatAreNotPersonalData_areKept() {
        String json = "{\"a\":42,\"b\":12345678901,\"c\":1700000000000,\"d\":-52998224725,"
                + "\"e\":5.29982247255E10,\"f\":0.5,\"g\":4111111111111112}";
        assertThat(MASKER.maskJson(json)).isEqualTo(json);
    }

    @Test
    void maskJson_cpfNumberWithTheCpfDetectorOff_isKept() {
        Masker masker = MaskingRules.builder(new byte[32]).disable(PiiDetector.CPF).build();
        assertThat(masker.maskJson("{\"cpf\":52998224725}")).isEqualTo("{\"cpf\":52998224725}");
    }

    @Test
    void maskJson_emailOnAHostWithoutADottedDomain_isMasked() {
        assertThat(MASKER.maskJson("{\"to\":\"user@localhost\","
                + "\"log\":\"mail from root@server01 to ops-team@mailhost.\"}"))
                .isEqualTo("{\"to\":\"[EMAIL]\",\"log\":\"mail from [EMAIL] to [EMAIL].\"}");
    }

    @Test
    void maskJson_atSignsThatAreNotAddresses_areKept() {
        String json = "{\"a\":\"@home\",\"b\":\"pkg@1.2.3\",\"c\":\"a @ b\",\"d\":\"x@\"}";
        assertThat(MASKER.maskJson(json)).isEqualTo(json);
    }

    @Test
    void masking_numbersAndDotlessEmails_isIdempotent() {
        String once = MASKER.maskJson("{\"cpf\":52998224725,\"to\":\"user@localhost\"}");
        assertThat(MASKER.maskJson(once)).isEqualTo(once);
    }
}
