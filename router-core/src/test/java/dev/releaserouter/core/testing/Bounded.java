package dev.releaserouter.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs one fuzz input under a time and an allocation bound (allocation measured with
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}) and returns what it
 * threw, so the property can check that it is the documented exception.
 */
public final class Bounded {

    /** Time one input may take, in nanoseconds (2 s: generous on a shared 2-core machine). */
    public static final long MAX_NANOS = 2_000_000_000L;
    /** Bytes any input may allocate (64 MB), before the allowance per input character. */
    public static final long MAX_BYTES = 64L << 20;
    /**
     * Bytes an input may allocate in addition per character: parsers legitimately allocate in
     * proportion to what they read (SnakeYAML resolves a 183,000-digit scalar with about 370
     * bytes per character before Jackson's number-length limit rejects it); what the bound
     * excludes is allocation out of proportion to the input, such as a huge exponent expanded.
     */
    public static final long MAX_BYTES_PER_CHAR = 1024;

    /** An action that may throw anything. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs it.
         *
         * @throws Exception anything
         */
        void run() throws Exception;
    }

    private Bounded() {}

    /**
     * @param input the input, for messages
     * @param action what to run on it
     * @return what it threw, or null
     */
    public static @Nullable Throwable run(String input, Action action) {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long bytes0 = mx.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        Throwable thrown = null;
        try {
            action.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long nanos = System.nanoTime() - t0;
        long bytes = mx.getCurrentThreadAllocatedBytes() - bytes0;
        assertThat(nanos).as("nanoseconds for input %s", abbreviate(input))
                .isLessThan(MAX_NANOS);
        assertThat(bytes).as("bytes allocated for input %s", abbreviate(input))
                .isLessThan(maxBytes(input.length()));
        return thrown;
    }

    /**
     * @param inputLength characters (or bytes) of an input
     * @return the bytes that input may allocate
     */
    public static long maxBytes(int inputLength) {
        return MAX_BYTES + MAX_BYTES_PER_CHAR * inputLength;
    }

    /**
     * Asserts that nothing was thrown or the documented exception.
     *
     * @param input the input, for messages
     * @param thrown what {@link #run} returned
     * @param documented the documented exception type
     */
    public static void nothingOr(String input, @Nullable Throwable thrown,
            Class<? extends Throwable> documented) {
        if (thrown != null && !documented.isInstance(thrown)) {
            throw new AssertionError("input " + abbreviate(input) + " threw "
                    + thrown.getClass().getName() + ", not " + documented.getName() + ":\n"
                    + stack(thrown));
        }
    }

    /**
     * @param s a string
     * @return the string, cut to 300 characters, with its length
     */
    public static String abbreviate(String s) {
        return (s.length() <= 300 ? s : s.substring(0, 300) + "...") + " (" + s.length()
                + " chars)";
    }

    private static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() <= 4000 ? s : s.substring(0, 4000);
    }
}
