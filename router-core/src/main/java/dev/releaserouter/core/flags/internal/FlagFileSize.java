package dev.releaserouter.core.flags.internal;

import dev.releaserouter.api.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The size limit of flag files: the check before reading, a read that never takes more than the
 * limit into memory (a file may grow between the check and the read), and the error. Stateless.
 */
final class FlagFileSize {

    private FlagFileSize() {}

    /**
     * Reads a whole stream of at most {@code maxSize} bytes.
     *
     * @param in the stream; not closed
     * @param maxSize the limit in bytes
     * @param source names the file in the error
     * @param howToRaise the API or property that raises the limit, for the error
     * @return the bytes
     * @throws ConfigException if the stream has more than {@code maxSize} bytes; at most
     *     {@code maxSize + 1} bytes are read to find out
     * @throws IOException if reading fails
     */
    static byte[] read(InputStream in, long maxSize, String source, String howToRaise)
            throws IOException {
        int cap = (int) Math.min(maxSize + 1, Integer.MAX_VALUE - 16);
        byte[] bytes = in.readNBytes(cap);
        if (bytes.length > maxSize) {
            throw tooLarge(source, -1, maxSize, howToRaise);
        }
        return bytes;
    }

    /**
     * @param source the file
     * @param size its size in bytes, or -1 if only known to exceed the limit
     * @param maxSize the limit
     * @param howToRaise the API or property that raises the limit
     * @return the error: file, size, limit and how to raise it
     */
    static ConfigException tooLarge(String source, long size, long maxSize, String howToRaise) {
        String is = size < 0 ? "is larger than the limit" : "is " + bytes(size)
                + ", more than the limit";
        return new ConfigException(source, "", null, "the flag file " + is + " of "
                + bytes(maxSize) + mib(maxSize) + "; it was not read. Make it smaller,"
                + " or raise the limit with " + howToRaise, null);
    }

    /** How to raise the limit of a watched file. */
    static final String FILE_HOW_TO_RAISE = "FlagSources.fileBuilder(path).maxSize(bytes) or the"
            + " Spring property router.flags.max-size (docs/flag-file.md, \"Limits\")";

    /** How to raise the limit of a classpath resource. */
    static final String CLASSPATH_HOW_TO_RAISE = "FlagSources.classpath(resource, loader,"
            + " maxSize) or the Spring property router.flags.max-size (docs/flag-file.md,"
            + " \"Limits\")";

    private static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d bytes", n);
    }

    /** " (16 MiB)" for a limit of a MiB or more; nothing for a smaller one. */
    private static String mib(long n) {
        double mib = n / (1024.0 * 1024.0);
        return mib < 1 ? "" : String.format(Locale.ROOT, " (%s MiB)",
                mib == Math.rint(mib) ? String.valueOf((long) mib)
                        : String.format(Locale.ROOT, "%.1f", mib));
    }
}
