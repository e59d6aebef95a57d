package dev.releaserouter.replay.masking;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds personal data inside free text and replaces each finding by its detector's placeholder.
 * Immutable and thread-safe.
 *
 * <p>Detectors run in a fixed order (e-mail, CNPJ, CPF, phone, card) so that the more specific
 * shape claims its digits first, and the whole sequence repeats until the text no longer changes.
 * That makes scanning idempotent: a replacement never adds a digit or an '@', so it can only
 * expose text that a further pass would match, never hide one, and every pass that changes
 * something removes at least one digit or '@', so the loop ends.
 *
 * <p>Integral JSON numbers are checked whole by {@link #scanNumber} (a CPF, CNPJ or card number
 * stored as a number).
 *
 * <p>Only ASCII digits count as digits. Every pattern is bounded or possessive, and e-mails are
 * found by expanding around each '@' rather than by a regular expression, so a scan is linear in
 * the text's length (no catastrophic backtracking on long strings).
 */
final class PiiScanner {

    private static final Pattern CNPJ_NUMERIC =
            Pattern.compile("(?<!\\d)\\d{2}\\.?\\d{3}\\.?\\d{3}/?\\d{4}-?\\d{2}(?!\\d)");
    /** The 2026 alphanumeric CNPJ, fully formatted only: unformatted it looks like any id. */
    private static final Pattern CNPJ_ALPHANUMERIC = Pattern.compile(
            "(?<![0-9A-Za-z])[0-9A-Z]{2}\\.[0-9A-Z]{3}\\.[0-9A-Z]{3}/[0-9A-Z]{4}-\\d{2}"
                    + "(?![0-9A-Za-z])");
    private static final Pattern CPF =
            Pattern.compile("(?<!\\d)\\d{3}\\.?\\d{3}\\.?\\d{3}-?\\d{2}(?!\\d)");
    /** '+', then 8 to 15 digits, each optionally after one separator and in parentheses. */
    private static final Pattern PHONE_E164 =
            Pattern.compile("(?<![\\w+])\\+(?:[ .\\-]?\\(?\\d\\)?){8,15}(?!\\d)");
    /** A Brazilian number with an area code set apart by parentheses or a separator. */
    private static final Pattern PHONE_BR = Pattern.compile("(?<![\\d+])"
            + "(?:\\(\\s?[1-9]\\d\\s?\\)\\s?|[1-9]\\d[ .\\-])9?\\d{4}[ .\\-]?\\d{4}(?!\\d)");
    /** A Brazilian 9-digit mobile without area code, with its separator (91234-5678). */
    private static final Pattern PHONE_BR_LOCAL =
            Pattern.compile("(?<![\\d+.\\-])9\\d{4}[ .\\-]\\d{4}(?!\\d)");
    /** A maximal run of digit groups joined by single spaces or dashes. */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<!\\d)\\d++(?:[ \\-]\\d++)*+");

    private static final int CARD_MIN = 13;
    private static final int CARD_MAX = 19;

    private final boolean email;
    private final boolean cnpj;
    private final boolean cpf;
    private final boolean phone;
    private final boolean card;

    /** @param enabled the detectors to run; may be empty */
    public PiiScanner(Set<PiiDetector> enabled) {
        Set<PiiDetector> on = enabled.isEmpty()
                ? EnumSet.noneOf(PiiDetector.class) : EnumSet.copyOf(enabled);
        this.email = on.contains(PiiDetector.EMAIL);
        this.cnpj = on.contains(PiiDetector.CNPJ);
        this.cpf = on.contains(PiiDetector.CPF);
        this.phone = on.contains(PiiDetector.PHONE);
        this.card = on.contains(PiiDetector.CARD);
    }

    /**
     * @param text any text
     * @return the text with every finding replaced by its placeholder; the same instance when
     *     nothing was found
     */
    public String scan(String text) {
        if (!mayContainPii(text)) {
            return text;
        }
        String current = text;
        while (true) {
            String next = pass(current);
            if (next == current) {
                return current;
            }
            current = next;
        }
    }

    /**
     * Checks a whole number as an identifier: an integral JSON number whose digits are a CNPJ, a
     * CPF or a card number (with valid check digits) is personal data stored as a number.
     *
     * @param digits the number's decimal digits, without sign (other text is never a match)
     * @return the placeholder of the detector that matches the whole number, or null
     */
    public @org.jspecify.annotations.Nullable String scanNumber(String digits) {
        int n = digits.length();
        if (n < 11 || n > CARD_MAX) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        if (cnpj && n == 14 && CheckDigits.isCnpj(digits)) {
            return PiiDetector.CNPJ.placeholder();
        }
        if (cpf && n == 11 && CheckDigits.isCpf(digits)) {
            return PiiDetector.CPF.placeholder();
        }
        if (card && n >= CARD_MIN && digits.charAt(0) >= '2' && digits.charAt(0) <= '6'
                && CheckDigits.isLuhn(digits)) {
            return PiiDetector.CARD.placeholder();
        }
        return null;
    }

    private boolean mayContainPii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= '0' && c <= '9') || (c == '@' && email)) {
                return email || cnpj || cpf || phone || card;
            }
        }
        return false;
    }

    /** One run of every enabled detector; returns the same instance if nothing matched. */
    private String pass(String text) {
        String s = text;
        if (email) {
            s = emails(s);
        }
        if (cnpj) {
            s = replace(s, CNPJ_NUMERIC, m -> CheckDigits.isCnpj(strip(m)), PiiDetector.CNPJ);
            s = replace(s, CNPJ_ALPHANUMERIC, m -> CheckDigits.isCnpj(strip(m)),
                    PiiDetector.CNPJ);
        }
        if (cpf) {
            s = replace(s, CPF, m -> CheckDigits.isCpf(strip(m)), PiiDetector.CPF);
        }
        if (phone) {
            s = replace(s, PHONE_E164, m -> true, PiiDetector.PHONE);
            s = replace(s, PHONE_BR, m -> true, PiiDetector.PHONE);
            s = replace(s, PHONE_BR_LOCAL, m -> true, PiiDetector.PHONE);
        }
        if (card) {
            s = cards(s);
        }
        return s;
    }

    private static String replace(String text, Pattern pattern, Predicate<String> valid,
            PiiDetector detector) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (valid.test(m.group())) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, m.start()).append(detector.placeholder());
                copied = m.end();
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** Removes the separators a CPF or CNPJ may be written with. */
    private static String strip(String match) {
        StringBuilder b = new StringBuilder(match.length());
        for (int i = 0; i < match.length(); i++) {
            char c = match.charAt(i);
            if (c != '.' && c != '-' && c != '/') {
                b.append(c);
            }
        }
        return b.toString();
    }

    // ---- e-mail ----------------------------------------------------------------------------

    private static String emails(String text) {
        int at = text.indexOf('@');
        if (at < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        while (at >= 0) {
            int start = at;
            while (start > copied && isLocalChar(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '.') {
                start++;
            }
            int end = at + 1;
            while (end < text.length() && isDomainChar(text.charAt(end))) {
                end++;
            }
            while (end > at + 1 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
                end--;
            }
            if (start < at && isDomain(text, at + 1, end)) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(PiiDetector.EMAIL.placeholder());
                copied = end;
                at = text.indexOf('@', end);
            } else {
                at = text.indexOf('@', at + 1);
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    private static boolean isLocalChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '%' || c == '+'
                || c == '-';
    }

    private static boolean isDomainChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '-';
    }

    /**
     * At least two non-empty labels, the last of two or more letters; or a single host name
     * starting with a letter ({@code localhost}, {@code server01}).
     */
    private static boolean isDomain(String text, int from, int to) {
        int firstDot = text.indexOf('.', from);
        if (firstDot < 0 || firstDot >= to) {
            return to > from && Character.isLetter(text.charAt(from));
        }
        int lastDot = -1;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '.') {
                if (i == from || i == lastDot + 1) {
                    return false;
                }
                lastDot = i;
            }
        }
        if (lastDot < 0 || to - lastDot - 1 < 2) {
            return false;
        }
        for (int i = lastDot + 1; i < to; i++) {
            if (!Character.isLetter(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    // ---- cards -----------------------------------------------------------------------------

    private static String cards(String text) {
        Matcher m = DIGIT_RUN.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (m.end() - m.start() < CARD_MIN) {
                continue;
            }
            List<int[]> groups = groups(text, m.start(), m.end());
            int i = 0;
            while (i < groups.size()) {
                int j = longestCardFrom(text, groups, i);
                if (j < 0) {
                    i++;
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, groups.get(i)[0])
                        .append(PiiDetector.CARD.placeholder());
                copied = groups.get(j)[1];
                i = j + 1;
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** The [start, end) of each digit group of a run. */
    private static List<int[]> groups(String text, int from, int to) {
        List<int[]> groups = new ArrayList<>();
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == ' ' || text.charAt(i) == '-') {
                groups.add(new int[] {start, i});
                start = i + 1;
            }
        }
        return groups;
    }

    /**
     * Looks for a card number made of groups i..j, longest first: 13 to 19 digits starting with
     * 2 to 6 (the issuer ranges in use), with a valid Luhn checksum; when several groups, each
     * of 3 to 7 digits (card layouts; this keeps dates and version strings out).
     *
     * @return j, or -1 if no card starts at group i
     */
    private static int longestCardFrom(String text, List<int[]> groups, int i) {
        char first = text.charAt(groups.get(i)[0]);
        if (first < '2' || first > '6') {
            return -1;
        }
        int digits = 0;
        int last = -1;
        for (int j = i; j < groups.size(); j++) {
            int size = groups.get(j)[1] - groups.get(j)[0];
            digits += size;
            if (digits > CARD_MAX) {
                break;
            }
            last = j;
        }
        for (int j = last; j >= i; j--) {
            StringBuilder number = new StringBuilder(CARD_MAX);
            boolean layout = true;
            for (int k = i; k <= j; k++) {
                int size = groups.get(k)[1] - groups.get(k)[0];
                layout &= i == j || (size >= 3 && size <= 7);
                number.append(text, groups.get(k)[0], groups.get(k)[1]);
            }
            if (layout && number.length() >= CARD_MIN && CheckDigits.isLuhn(number)) {
                return j;
            }
        }
        return -1;
    }
}
