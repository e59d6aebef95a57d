package dev.releaserouter.replay.masking;

import java.util.ArrayList;
import java.util.List;

/** Parses RFC 6901 JSON pointers into reference tokens. Stateless and thread-safe. */
final class JsonPointers {

    private JsonPointers() {}

    /**
     * @param pointer a pointer such as {@code /customer/emails/*} or {@code /a~1b/c~0d}
     * @return its unescaped reference tokens, at least one
     * @throws IllegalArgumentException if the pointer is empty (the whole document), does not
     *     start with '/' or has a '~' not followed by '0' or '1'
     */
    public static List<String> parse(String pointer) {
        if (pointer.isEmpty()) {
            throw new IllegalArgumentException(
                    "JSON pointer must address a value inside the document, but was empty");
        }
        if (pointer.charAt(0) != '/') {
            throw new IllegalArgumentException(
                    "JSON pointer must start with '/', but was '" + pointer + "'");
        }
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        for (int i = 1; i <= pointer.length(); i++) {
            char c = i < pointer.length() ? pointer.charAt(i) : '/';
            if (c == '/') {
                tokens.add(token.toString());
                token.setLength(0);
            } else if (c == '~') {
                char next = i + 1 < pointer.length() ? pointer.charAt(i + 1) : ' ';
                if (next != '0' && next != '1') {
                    throw new IllegalArgumentException("JSON pointer '" + pointer + "' has '~' at"
                            + " index " + i + " not followed by '0' or '1' (write ~0 for '~')");
                }
                token.append(next == '0' ? '~' : '/');
                i++;
            } else {
                token.append(c);
            }
        }
        return List.copyOf(tokens);
    }
}
