package dev.releaserouter.replay.masking;

/**
 * A kind of personal data that a {@link Masker} finds inside string values, free text included,
 * and replaces by a placeholder. Every detector is on by default; turn one off with {@link
 * MaskingRules.Builder#disable(PiiDetector...)}. What each one matches, and the false positives
 * and negatives that remain, are listed in {@code docs/shadow.md} ("Masking PII").
 */
public enum PiiDetector {

    /** E-mail addresses ({@code local@domain.tld}); replaced by {@code [EMAIL]}. */
    EMAIL("[EMAIL]"),

    /**
     * Phone numbers: international E.164 with a leading {@code +} (separators allowed) and
     * Brazilian numbers with an area code ({@code (11) 91234-5678}, {@code 11 91234-5678}) or a
     * separated 9-digit mobile ({@code 91234-5678}); replaced by {@code [PHONE]}.
     */
    PHONE("[PHONE]"),

    /**
     * Brazilian CPF, formatted ({@code 123.456.789-09}) or not ({@code 12345678909}), only with
     * valid check digits; replaced by {@code [CPF]}.
     */
    CPF("[CPF]"),

    /**
     * Brazilian CNPJ, formatted or not, only with valid check digits (formatted alphanumeric
     * CNPJ too); replaced by {@code [CNPJ]}.
     */
    CNPJ("[CNPJ]"),

    /**
     * Payment card numbers: 13 to 19 digits starting with 2 to 6, plain or in groups separated by
     * single spaces or dashes, only with a valid Luhn checksum; replaced by {@code [CARD]}.
     */
    CARD("[CARD]");

    private final String placeholder;

    PiiDetector(String placeholder) {
        this.placeholder = placeholder;
    }

    /** @return the text that replaces what this detector finds, e.g. {@code [EMAIL]} */
    public String placeholder() {
        return placeholder;
    }
}
