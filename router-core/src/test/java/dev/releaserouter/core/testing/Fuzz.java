package dev.releaserouter.core.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.lang.management.ManagementFactory;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Fuzzing helpers for parsers a user feeds: inputs that are random or mutations of a valid seed
 * (deleted, inserted, replaced and duplicated ranges, truncation, hostile numbers and nesting),
 * and a bounded call that fails on any Throwable but the documented ones, on more than 2 s, or on
 * more than {@link Bounded#maxBytes} allocated by the calling thread.
 */
public final class Fuzz {

    public static final long MAX_NANOS = Bounded.MAX_NANOS;

    private static final List<String> HOSTILE = List.of("1e-999999999", "1e999999999",
            "-0", "NaN", "99999999999999999999999999999", "\u0000", "\uFEFF", "\"", "\\",
            "\\u", "\\ud800", "[".repeat(5_000), "{\"a\":".repeat(2_000), "null", "true",
            "\u00e9", "\ud83d\ude00", "\n", "\r\n", ",", ":", "}", "]", "\"seq\":",
            "0".repeat(400), "9".repeat(20));

    private Fuzz() {}

    /** What a fuzzed call does. */
    @FunctionalInterface
    public interface Call {
        void run() throws Throwable;
    }

    /**
     * @param seed a valid input
     * @return random texts and mutations of the seed, as UTF-8 bytes (some not valid UTF-8)
     */
    public static Arbitrary<byte[]> around(String seed) {
        byte[] base = seed.getBytes(UTF_8);
        Arbitrary<byte[]> random = Arbitraries.strings().all().ofMaxLength(300)
                .map(s -> s.getBytes(UTF_8));
        Arbitrary<byte[]> randomBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Integer> at = Arbitraries.integers().between(0, base.length);
        Arbitrary<Integer> length = Arbitraries.integers().between(0, 40);
        Arbitrary<String> insert = Arbitraries.oneOf(Arbitraries.of(HOSTILE),
                Arbitraries.strings().all().ofMaxLength(20));
        Arbitrary<byte[]> deleted = Combinators.combine(at, length)
                .as((a, n) -> splice(base, a, Math.min(base.length, a + n), new byte[0]));
        Arbitrary<byte[]> inserted = Combinators.combine(at, insert)
                .as((a, s) -> splice(base, a, a, s.getBytes(UTF_8)));
        Arbitrary<byte[]> replaced = Combinators.combine(at, length, insert)
                .as((a, n, s) -> splice(base, a, Math.min(base.length, a + n), s.getBytes(UTF_8)));
        Arbitrary<byte[]> flipped = Combinators.combine(at, Arbitraries.bytes())
                .as((a, b) -> {
                    byte[] copy = base.clone();
                    if (copy.length > 0) {
                        copy[Math.min(a, copy.length - 1)] = b;
                    }
                    return copy;
                });
        Arbitrary<byte[]> truncated = at.map(a -> splice(base, a, base.length, new byte[0]));
        Arbitrary<byte[]> duplicated = Combinators.combine(at, length).as((a, n) -> {
            int end = Math.min(base.length, a + n);
            byte[] chunk = java.util.Arrays.copyOfRange(base, a, end);
            return splice(base, end, end, chunk);
        });
        Arbitrary<byte[]> once = Arbitraries.oneOf(deleted, inserted, replaced, flipped,
                truncated, duplicated);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, random),
                net.jqwik.api.Tuple.of(1, randomBytes),
                net.jqwik.api.Tuple.of(8, once),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(base)));
    }

    private static byte[] splice(byte[] base, int from, int to, byte[] insert) {
        byte[] out = new byte[base.length - (to - from) + insert.length];
        System.arraycopy(base, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(base, to, out, from + insert.length, base.length - to);
        return out;
    }

    /**
     * Runs the call; it may return or throw one of the documented exception types, within the
     * time and allocation bounds. Anything else throws an AssertionError describing the input.
     *
     * @param input the input, for the failure message
     * @param call the call
     * @param documented the exception types the call may throw
     */
    @SafeVarargs
    public static void bounded(byte[] input, Call call,
            Class<? extends Throwable>... documented) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long bytesBefore = mx.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            call.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long nanos = System.nanoTime() - start;
        long bytes = mx.getThreadAllocatedBytes(thread) - bytesBefore;
        String shown = describe(input);
        if (thrown != null) {
            boolean allowed = false;
            for (Class<? extends Throwable> type : documented) {
                allowed |= type.isInstance(thrown);
            }
            if (!allowed) {
                throw new AssertionError("undocumented " + thrown + " for input " + shown,
                        thrown);
            }
        }
        if (nanos > MAX_NANOS) {
            throw new AssertionError("took " + nanos / 1_000_000 + " ms for input " + shown);
        }
        if (bytes > Bounded.maxBytes(input.length)) {
            throw new AssertionError("allocated " + (bytes >> 20) + " MB for input " + shown);
        }
    }

    private static String describe(byte[] input) {
        String text = new String(input, UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "... (" + text.length()
                + " chars)" : text;
    }
}
