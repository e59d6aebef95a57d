package dev.releaserouter.governance.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes PEM (RFC 7468) blocks and DER key files. Stateless; thread-safe. */
final class Pem {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private Pem() {}

    /**
     * The DER bytes of a key file: the first PEM block of the given label, or the whole file
     * if it is not PEM (binary DER).
     *
     * @param file a PEM or DER file
     * @param label the expected PEM label, e.g. {@code PRIVATE KEY}
     * @return the DER bytes
     * @throws IllegalArgumentException naming the file if it is PEM without a block of that
     *     label (an encrypted key is named as such)
     * @throws UncheckedIOException if the file cannot be read
     */
    static byte[] der(Path file, String label) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key file " + file, e);
        }
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN ")) {
            return bytes;
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(label)) {
                return Base64.getMimeDecoder().decode(m.group(2).replaceAll("\\s", ""));
            }
            if (m.group(1).equals("ENCRYPTED PRIVATE KEY")) {
                throw new IllegalArgumentException(file + ": an encrypted private key is not"
                        + " read; decrypt it (openssl pkey -in " + file.getFileName()
                        + " -out plain.pem) or keep it in a PKCS12 KeyStore");
            }
        }
        throw new IllegalArgumentException(file + ": no PEM block '-----BEGIN " + label
                + "-----' found");
    }

    /**
     * @param label e.g. {@code PUBLIC KEY}
     * @param der the DER bytes
     * @return the PEM text, 64 characters per line, ending with a newline
     */
    static String write(String label, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
    }
}
