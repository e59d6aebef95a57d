package dev.releaserouter.core.audit.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Reads an audit log as raw lines split on {@code '\n'} (bytes, so that hashes cover exactly what
 * is on disk), forwards from the start or backwards from the end. Not thread-safe.
 */
public final class LogLines implements Closeable {

    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final byte[] buffer = new byte[CHUNK];
    private int position;
    private int limit;
    private long lineNumber;
    private boolean terminated = true;

    private LogLines(InputStream in) {
        this.in = in;
    }

    /**
     * @param file the log
     * @return a reader positioned before the first line
     * @throws IOException if the file cannot be opened
     */
    public static LogLines open(Path file) throws IOException {
        return new LogLines(Files.newInputStream(file));
    }

    /**
     * @return the next line without its {@code '\n'}, or null at the end of the file
     * @throws IOException if the file cannot be read
     */
    public byte @Nullable [] next() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                    terminated = false;
                    return line.toByteArray();
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (line == null) {
                line = new ByteArrayOutputStream(Math.max(256, position - start));
            }
            line.write(buffer, start, position - start);
            if (position < limit) {
                position++;
                lineNumber++;
                return line.toByteArray();
            }
        }
    }

    /** @return the 1-based number of the line last returned by {@link #next()} */
    public long lineNumber() {
        return lineNumber;
    }

    /** @return false if the line last returned by {@link #next()} had no {@code '\n'} */
    public boolean terminated() {
        return terminated;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * Reads the last line of a file that ends with {@code '\n'}, scanning backwards so that
     * opening a long log does not read all of it.
     *
     * @param file the log, at least one byte long and ending with {@code '\n'}
     * @return the last line without its {@code '\n'}
     * @throws IOException if the file cannot be read
     */
    public static byte[] lastLine(RandomAccessFile file) throws IOException {
        long end = file.length() - 1;
        long start = end;
        byte[] chunk = new byte[CHUNK];
        scan:
        while (start > 0) {
            long from = Math.max(0, start - CHUNK);
            int length = (int) (start - from);
            file.seek(from);
            file.readFully(chunk, 0, length);
            for (int i = length - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    start = from + i + 1;
                    break scan;
                }
            }
            start = from;
        }
        byte[] line = new byte[(int) (end - start)];
        file.seek(start);
        file.readFully(line);
        return line;
    }

    /**
     * @param file a log
     * @param upTo how many bytes from the start to look at
     * @return how many {@code '\n'} the first {@code upTo} bytes hold
     * @throws IOException if the file cannot be read
     */
    public static long countNewlines(RandomAccessFile file, long upTo) throws IOException {
        byte[] chunk = new byte[CHUNK];
        long count = 0;
        file.seek(0);
        for (long at = 0; at < upTo; ) {
            int length = (int) Math.min(CHUNK, upTo - at);
            file.readFully(chunk, 0, length);
            for (int i = 0; i < length; i++) {
                if (chunk[i] == '\n') {
                    count++;
                }
            }
            at += length;
        }
        return count;
    }
}
