package dev.releaserouter.api.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A semantic-version range in the syntax of npm's node-semver ({@code >=2.1.0 <3},
 * {@code ^2.1}, {@code ~1.4.2}, {@code 1.x}, {@code 1.2.3 - 2.3}, {@code ^1 || ^3}), compiled at
 * load time into primitive comparators, and tested against a version without allocating.
 *
 * <p>Matching follows semver 2.0.0 precedence, pre-releases included: it agrees with
 * node-semver's {@code satisfies(version, range, {includePrerelease: true})} (checked in
 * {@code SemverRangeTest} against node-semver 7.8.5). A version is {@code MAJOR.MINOR.PATCH} with
 * an optional leading {@code v}, optional {@code -pre.release} and {@code +build} (ignored);
 * anything else (a partial version, leading zeros, a number beyond 2^53 - 1) is not a version and
 * satisfies no range.
 *
 * <p>Immutable and thread-safe. Package-private: conditions use it
 * ({@link Condition.Operator#SEMVER}).
 */
final class SemverRange {

    private static final int EQ = 0;
    private static final int LT = 1;
    private static final int LTE = 2;
    private static final int GT = 3;
    private static final int GTE = 4;
    /** node-semver's Number.MAX_SAFE_INTEGER limit on each number. */
    private static final long MAX_NUMBER = (1L << 53) - 1;
    /** Most characters of a range, to keep parsing bounded. */
    static final int MAX_LENGTH = 1_000;

    private final String text;
    /** One array of comparators per {@code ||} alternative; all of one must hold. */
    private final Comparator[][] sets;

    private SemverRange(String text, Comparator[][] sets) {
        this.text = text;
        this.sets = sets;
    }

    /** A primitive comparator: an operator and a full version. */
    private static final class Comparator {
        final int op;
        final long major;
        final long minor;
        final long patch;
        /** The pre-release identifiers, {@code ""} for none. */
        final String pre;

        Comparator(int op, long major, long minor, long patch, String pre) {
            this.op = op;
            this.major = major;
            this.minor = minor;
            this.patch = patch;
            this.pre = pre;
        }
    }

    /**
     * Parses a range.
     *
     * @param text e.g. {@code ">=2.1.0 <3.0.0"}
     * @return the compiled range
     * @throws ConfigException if it is not a range (value: the text; pointer {@code ""})
     */
    static SemverRange parse(String text) {
        Objects.requireNonNull(text, "range");
        if (text.length() > MAX_LENGTH) {
            throw new ConfigException("", text, "a semver range has at most " + MAX_LENGTH
                    + " characters");
        }
        String[] alternatives = text.split("\\|\\|", -1);
        Comparator[][] sets = new Comparator[alternatives.length][];
        for (int i = 0; i < alternatives.length; i++) {
            try {
                sets[i] = set(alternatives[i].strip());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("", text, "not a semver range (" + e.getMessage()
                        + "); expected e.g. \">=2.1.0 <3\", \"^2.1\", \"~1.4.2\", \"1.x\", "
                        + "\"1.2 - 2.3\", \"^1 || ^3\"");
            }
        }
        return new SemverRange(text, sets);
    }

    private static Comparator[] set(String s) {
        List<Comparator> out = new ArrayList<>();
        String[] hyphen = s.split("\\s+-\\s+", -1);
        if (hyphen.length == 2) {
            Partial from = Partial.parse(hyphen[0]);
            Partial to = Partial.parse(hyphen[1]);
            if (!from.anyX()) {
                // A release as the lower end takes in its pre-releases (1.2.3 - 2 is
                // >=1.2.3-0), as node-semver does with includePrerelease.
                out.add(from.pre.isEmpty()
                        ? new Comparator(GTE, from.major, from.minor, from.patch, "0")
                        : from.bound(GTE));
            } else if (from.major >= 0) {
                out.add(from.lowerOfX());
            }
            if (to.major < 0) {
                // "1.2.3 - *": no upper bound
            } else if (!to.anyX()) {
                out.add(to.bound(LTE));
            } else {
                out.add(to.upperOfX());
            }
            return out.toArray(new Comparator[0]);
        }
        if (hyphen.length > 2) {
            throw new IllegalArgumentException("more than one hyphen range");
        }
        // Operators may be followed by spaces (">= 1.2"): glue them to their version first.
        String glued = s.replaceAll("(<=|>=|<|>|=|~>|~|\\^)\\s+", "$1");
        for (String token : glued.isEmpty() ? new String[] {"*"} : glued.split("\\s+")) {
            comparator(token, out);
        }
        return out.toArray(new Comparator[0]);
    }

    private static void comparator(String token, List<Comparator> out) {
        int op;
        String rest;
        if (token.startsWith(">=")) {
            op = GTE;
            rest = token.substring(2);
        } else if (token.startsWith("<=")) {
            op = LTE;
            rest = token.substring(2);
        } else if (token.startsWith(">")) {
            op = GT;
            rest = token.substring(1);
        } else if (token.startsWith("<")) {
            op = LT;
            rest = token.substring(1);
        } else if (token.startsWith("~>")) {
            tilde(Partial.parse(token.substring(2)), out);
            return;
        } else if (token.startsWith("~")) {
            tilde(Partial.parse(token.substring(1)), out);
            return;
        } else if (token.startsWith("^")) {
            caret(Partial.parse(token.substring(1)), out);
            return;
        } else {
            op = EQ;
            rest = token.startsWith("=") ? token.substring(1) : token;
        }
        Partial p = Partial.parse(rest);
        if (p.major < 0) {
            // "*", ">=*": anything; ">*", "<*": nothing
            if (op == GT || op == LT) {
                out.add(new Comparator(LT, 0, 0, 0, "0"));
            }
            return;
        }
        if (!p.anyX()) {
            out.add(p.bound(op));
            return;
        }
        long major = p.major;
        long minor = p.minor < 0 ? 0 : p.minor;
        switch (op) {
            case EQ:
                out.add(p.lowerOfX());
                out.add(p.upperOfX());
                return;
            case GT: // >1.2 is >=1.3.0-0; >1 is >=2.0.0-0
                out.add(p.minor < 0 ? new Comparator(GTE, major + 1, 0, 0, "0")
                        : new Comparator(GTE, major, minor + 1, 0, "0"));
                return;
            case LTE: // <=1.2 is <1.3.0-0
                out.add(p.upperOfX());
                return;
            case LT: // <1.2 is <1.2.0-0
                out.add(new Comparator(LT, major, minor, 0, "0"));
                return;
            default: // >=1.2 is >=1.2.0-0
                out.add(p.lowerOfX());
        }
    }

    /** {@code ~1.2.3} is {@code >=1.2.3 <1.3.0-0}; {@code ~1} is {@code >=1.0.0 <2.0.0-0}. */
    private static void tilde(Partial p, List<Comparator> out) {
        if (p.major < 0) {
            return;
        }
        if (p.minor < 0) {
            out.add(p.lowerOfX());
            out.add(new Comparator(LT, p.major + 1, 0, 0, "0"));
        } else if (p.patch < 0) {
            out.add(p.lowerOfX());
            out.add(new Comparator(LT, p.major, p.minor + 1, 0, "0"));
        } else {
            out.add(p.bound(GTE));
            out.add(new Comparator(LT, p.major, p.minor + 1, 0, "0"));
        }
    }

    /**
     * {@code ^1.2.3} is {@code >=1.2.3 <2.0.0-0}; {@code ^0.2.3} is {@code >=0.2.3 <0.3.0-0};
     * {@code ^0.0.3} is {@code >=0.0.3 <0.0.4-0}: the left-most non-zero number may not change.
     */
    private static void caret(Partial p, List<Comparator> out) {
        if (p.major < 0) {
            return;
        }
        if (p.minor < 0) {
            out.add(p.lowerOfX());
            out.add(new Comparator(LT, p.major + 1, 0, 0, "0"));
            return;
        }
        out.add(p.patch < 0 ? p.lowerOfX() : p.bound(GTE));
        if (p.major > 0) {
            out.add(new Comparator(LT, p.major + 1, 0, 0, "0"));
        } else if (p.minor > 0 || p.patch < 0) {
            out.add(new Comparator(LT, 0, p.minor + 1, 0, "0"));
        } else {
            out.add(new Comparator(LT, 0, 0, p.patch + 1, "0"));
        }
    }

    /** A version in a range, where trailing numbers may be missing or wildcards (-1). */
    private static final class Partial {
        final long major;
        final long minor;
        final long patch;
        final String pre;

        private Partial(long major, long minor, long patch, String pre) {
            this.major = major;
            this.minor = minor;
            this.patch = patch;
            this.pre = pre;
        }

        static Partial parse(String s) {
            String v = s.startsWith("v") || s.startsWith("=") ? s.substring(1) : s;
            int plus = v.indexOf('+');
            if (plus >= 0) {
                v = v.substring(0, plus);
            }
            String pre = "";
            int dash = v.indexOf('-');
            if (dash >= 0) {
                pre = v.substring(dash + 1);
                v = v.substring(0, dash);
                checkPre(pre);
            }
            String[] parts = v.split("\\.", -1);
            if (parts.length > 3 || v.isEmpty()) {
                throw new IllegalArgumentException("bad version \"" + s + "\"");
            }
            long[] n = {-1, -1, -1};
            boolean wild = false;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (part.equals("x") || part.equals("X") || part.equals("*")) {
                    wild = true;
                } else if (wild) {
                    throw new IllegalArgumentException("a number after a wildcard in \"" + s
                            + "\"");
                } else {
                    n[i] = number(part, s);
                }
            }
            if (!pre.isEmpty() && n[2] < 0) {
                throw new IllegalArgumentException("a pre-release needs a full version: \""
                        + s + "\"");
            }
            return new Partial(n[0], n[1], n[2], pre);
        }

        boolean anyX() {
            return major < 0 || minor < 0 || patch < 0;
        }

        Comparator bound(int op) {
            return new Comparator(op, major, minor, patch, pre);
        }

        /** The lowest version an x-range covers, pre-releases included: {@code >=M.m.0-0}. */
        Comparator lowerOfX() {
            return new Comparator(GTE, major, minor < 0 ? 0 : minor, 0, "0");
        }

        /** Above an x-range: {@code 1.2} is below {@code 1.3.0-0}, {@code 1} below 2.0.0-0. */
        Comparator upperOfX() {
            return minor < 0 ? new Comparator(LT, major + 1, 0, 0, "0")
                    : new Comparator(LT, major, minor + 1, 0, "0");
        }
    }

    private static long number(String part, String whole) {
        if (part.isEmpty() || part.length() > 16 || !part.chars().allMatch(Character::isDigit)
                || part.length() > 1 && part.charAt(0) == '0') {
            throw new IllegalArgumentException("bad number \"" + part + "\" in \"" + whole
                    + "\"");
        }
        long n = Long.parseLong(part);
        if (n > MAX_NUMBER) {
            throw new IllegalArgumentException("number too large in \"" + whole + "\"");
        }
        return n;
    }

    private static void checkPre(String pre) {
        if (pre.isEmpty() || identifiersEnd(pre, 0, pre.length()) != pre.length()) {
            throw new IllegalArgumentException("bad pre-release \"" + pre + "\"");
        }
    }

    /**
     * Whether a version satisfies the range. Allocation-free.
     *
     * @param version e.g. {@code 2.3.1}, {@code v2.3.1-rc.1+build.5}; null satisfies nothing
     * @return false for null or anything that is not a full semantic version
     */
    boolean contains(@Nullable CharSequence version) {
        if (version == null) {
            return false;
        }
        int n = version.length();
        int i = n > 0 && version.charAt(0) == 'v' ? 1 : 0;
        // major.minor.patch, each without leading zeros, at most 2^53 - 1
        long major = 0;
        long minor = 0;
        long patch = 0;
        for (int part = 0; part < 3; part++) {
            int start = i;
            long value = 0;
            while (i < n && i - start < 17) {
                char c = version.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 16 || value > MAX_NUMBER
                    || len > 1 && version.charAt(start) == '0') {
                return false;
            }
            if (part < 2) {
                if (i >= n || version.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            if (part == 0) {
                major = value;
            } else if (part == 1) {
                minor = value;
            } else {
                patch = value;
            }
        }
        int preStart = -1;
        int preEnd = -1;
        if (i < n && version.charAt(i) == '-') {
            preStart = i + 1;
            preEnd = identifiersEnd(version, preStart, n);
            if (preEnd == preStart) {
                return false;
            }
            i = preEnd;
        }
        if (i < n) {
            if (version.charAt(i) != '+' || identifiersEnd(version, i + 1, n) != n
                    || i + 1 == n) {
                return false;
            }
        }
        for (Comparator[] set : sets) {
            if (all(set, version, major, minor, patch, preStart, preEnd)) {
                return true;
            }
        }
        return false;
    }

    private static boolean all(Comparator[] set, CharSequence v, long major, long minor,
            long patch, int preStart, int preEnd) {
        for (Comparator c : set) {
            int cmp = compare(v, major, minor, patch, preStart, preEnd, c);
            boolean ok;
            switch (c.op) {
                case EQ:
                    ok = cmp == 0;
                    break;
                case LT:
                    ok = cmp < 0;
                    break;
                case LTE:
                    ok = cmp <= 0;
                    break;
                case GT:
                    ok = cmp > 0;
                    break;
                default:
                    ok = cmp >= 0;
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Semver 2.0.0 precedence of the version against a comparator's version. */
    private static int compare(CharSequence v, long major, long minor, long patch, int preStart,
            int preEnd, Comparator c) {
        int r = Long.compare(major, c.major);
        if (r == 0) {
            r = Long.compare(minor, c.minor);
        }
        if (r == 0) {
            r = Long.compare(patch, c.patch);
        }
        if (r != 0) {
            return r;
        }
        boolean vPre = preStart >= 0;
        boolean cPre = !c.pre.isEmpty();
        if (!vPre || !cPre) {
            return vPre == cPre ? 0 : vPre ? -1 : 1; // a pre-release is below its release
        }
        return comparePre(v, preStart, preEnd, c.pre);
    }

    /** Compares dot-separated pre-release identifiers, as semver 2.0.0 section 11 says. */
    private static int comparePre(CharSequence a, int aStart, int aEnd, String b) {
        int i = aStart;
        int j = 0;
        int bEnd = b.length();
        while (i < aEnd && j < bEnd) {
            int ie = i;
            while (ie < aEnd && a.charAt(ie) != '.') {
                ie++;
            }
            int je = j;
            while (je < bEnd && b.charAt(je) != '.') {
                je++;
            }
            boolean an = numeric(a, i, ie);
            boolean bn = numeric(b, j, je);
            int r;
            if (an && bn) {
                r = Integer.compare(ie - i, je - j); // no leading zeros: longer is larger
                for (int k = 0; r == 0 && k < ie - i; k++) {
                    r = Character.compare(a.charAt(i + k), b.charAt(j + k));
                }
            } else if (an != bn) {
                r = an ? -1 : 1; // numeric identifiers are below alphanumeric ones
            } else {
                r = 0;
                int len = Math.min(ie - i, je - j);
                for (int k = 0; r == 0 && k < len; k++) {
                    r = Character.compare(a.charAt(i + k), b.charAt(j + k));
                }
                if (r == 0) {
                    r = Integer.compare(ie - i, je - j);
                }
            }
            if (r != 0) {
                return r;
            }
            i = ie + 1;
            j = je + 1;
        }
        boolean aLeft = i < aEnd;
        boolean bLeft = j < bEnd;
        return aLeft == bLeft ? 0 : aLeft ? 1 : -1; // more identifiers: higher precedence
    }

    private static boolean numeric(CharSequence s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The end of a run of dot-separated identifiers ({@code [0-9A-Za-z-]+}) starting at
     * {@code from}: the index of the first character that is not part of it, or {@code from}
     * when the run is malformed (an empty identifier, or a numeric one with a leading zero).
     */
    private static int identifiersEnd(CharSequence s, int from, int to) {
        int i = from;
        while (true) {
            int start = i;
            boolean digitsOnly = true;
            while (i < to) {
                char c = s.charAt(i);
                boolean digit = c >= '0' && c <= '9';
                if (!(digit || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-')) {
                    break;
                }
                digitsOnly &= digit;
                i++;
            }
            if (i == start || digitsOnly && i - start > 1 && s.charAt(start) == '0') {
                return from;
            }
            if (i < to && s.charAt(i) == '.') {
                i++;
                continue;
            }
            return i;
        }
    }

    /** @return the range as written */
    @Override
    public String toString() {
        return text;
    }
}
