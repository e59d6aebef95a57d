package dev.releaserouter.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Numeric conditions compare exactly: {@link DecimalNumber#compareFrom} agrees with the JDK's
 * {@code BigDecimal.compareTo} (the outside reference) on plain decimals written with leading
 * and trailing zeros, signs and up to 60 digits, where a {@code double} would round.
 */
class DecimalNumberProperties {

    @Property(tries = 2_000)
    void compareFrom_agreesWithBigDecimalCompareTo(
            @ForAll("decimals") String value, @ForAll("decimals") String threshold) {
        int expected = new BigDecimal(value).compareTo(new BigDecimal(threshold));
        assertThat(DecimalNumber.parse(threshold).compareFrom(value))
                .as("%s vs %s", value, threshold).isEqualTo(expected);
    }

    @Property(tries = 500)
    void compareFrom_aNumberAndItself_isZero(@ForAll("decimals") String value) {
        assertThat(DecimalNumber.parse(value).compareFrom(value)).isZero();
    }

    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> sign = Arbitraries.of("", "-", "+");
        Arbitrary<String> zeros = Arbitraries.of("", "0", "000");
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30).map(f -> "." + f));
        Arbitrary<String> small = Arbitraries.of("0", "1", "2", "10", "0.5", "0.50", "-0", "-0.0");
        return Arbitraries.oneOf(small, Combinators.combine(sign, zeros, digits, fraction)
                .as((s, z, d, f) -> s + z + d + f));
    }

    @Test
    void compareFrom_notAPlainNumber_comparesWithNothing() {
        DecimalNumber two = DecimalNumber.parse("2");
        for (String bad : new String[] {"", "1e3", " 1", "1.", ".5", "1.2.3", "--1", "abc",
            "١"}) {
            assertThat(two.compareFrom(bad)).as(bad).isEqualTo(Integer.MIN_VALUE);
        }
        assertThat(two.compareFrom(null)).isEqualTo(Integer.MIN_VALUE);
        assertThat(two.compareFrom("9".repeat(101))).as("longer than 100").isEqualTo(
                Integer.MIN_VALUE);
    }

    @Test
    void parse_notAPlainNumber_failsNamingTheValue() {
        assertThatThrownBy(() -> DecimalNumber.parse("1e3"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.value()).isEqualTo("1e3");
                    assertThat(e.problem()).contains("plain decimal number");
                });
    }
}
