package dev.releaserouter.replay.masking;

/**
 * Check-digit algorithms of the identifiers the detectors look for: Brazilian CPF and CNPJ
 * (modulo 11) and payment cards (Luhn). Stateless and thread-safe.
 */
final class CheckDigits {

    private static final int[] CNPJ_WEIGHTS = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};

    private CheckDigits() {}

    /**
     * @param digits exactly 11 ASCII digits, no separators
     * @return whether both check digits are right and the digits are not all the same (such
     *     numbers, like 111.111.111-11, pass the arithmetic but are not issued)
     */
    public static boolean isCpf(CharSequence digits) {
        if (digits.length() != 11 || !allAsciiDigits(digits) || allSame(digits)) {
            return false;
        }
        return cpfDigit(digits, 9) == digits.charAt(9) - '0'
                && cpfDigit(digits, 10) == digits.charAt(10) - '0';
    }

    private static int cpfDigit(CharSequence digits, int count) {
        int sum = 0;
        for (int i = 0; i < count; i++) {
            sum += (digits.charAt(i) - '0') * (count + 1 - i);
        }
        return mod11Digit(sum);
    }

    /**
     * Checks a CNPJ: 12 characters then 2 check digits. The 12 may be digits or, since the 2026
     * alphanumeric CNPJ, upper-case letters; each counts as its code point minus 48.
     *
     * @param chars exactly 14 characters, no separators
     * @return whether both check digits are right and the characters are not all the same
     */
    public static boolean isCnpj(CharSequence chars) {
        if (chars.length() != 14 || allSame(chars)) {
            return false;
        }
        for (int i = 0; i < 14; i++) {
            char c = chars.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (!digit && (i >= 12 || c < 'A' || c > 'Z')) {
                return false;
            }
        }
        return cnpjDigit(chars, 12) == chars.charAt(12) - '0'
                && cnpjDigit(chars, 13) == chars.charAt(13) - '0';
    }

    private static int cnpjDigit(CharSequence chars, int count) {
        int sum = 0;
        int offset = CNPJ_WEIGHTS.length - count;
        for (int i = 0; i < count; i++) {
            sum += (chars.charAt(i) - '0') * CNPJ_WEIGHTS[offset + i];
        }
        return mod11Digit(sum);
    }

    private static int mod11Digit(int sum) {
        int r = sum % 11;
        return r < 2 ? 0 : 11 - r;
    }

    /**
     * @param digits ASCII digits, no separators
     * @return whether the Luhn checksum is right (false for an empty or non-digit input)
     */
    public static boolean isLuhn(CharSequence digits) {
        if (digits.length() == 0 || !allAsciiDigits(digits)) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static boolean allAsciiDigits(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean allSame(CharSequence s) {
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) != s.charAt(0)) {
                return false;
            }
        }
        return true;
    }
}
