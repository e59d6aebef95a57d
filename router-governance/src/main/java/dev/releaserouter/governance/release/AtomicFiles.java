package dev.releaserouter.governance.release;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes files atomically: a temp file beside the target, forced, then moved. Thread-safe. */
final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes the bytes to a temp file in the target's directory, forces them to disk and moves
     * the temp file over the target with {@code ATOMIC_MOVE}, so readers see the old file or the
     * new one, never a part. The temp file is removed if anything fails.
     *
     * @param target the file to write; its directory must exist
     * @param bytes the content
     * @throws IOException if the write or the move fails, including
     *     {@link java.nio.file.AtomicMoveNotSupportedException}
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
