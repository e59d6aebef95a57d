package dev.releaserouter.core.internal;

import java.util.HexFormat;

/** Text that goes into log lines. Stateless and thread-safe. */
public final class LogText {

    private LogText() {}

    /**
     * Escapes control and line-separator characters ({@code \n}, {@code \\u0007}...) so that a
     * value stays on one line and cannot forge or split log lines.
     *
     * @param value the value
     * @return the value itself if it has none, else an escaped copy
     */
    public static String oneLine(String value) {
        StringBuilder b = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && b == null) {
                b = new StringBuilder(value.length() + 16).append(value, 0, i);
            }
            if (b != null) {
                if (!control) {
                    b.append(c);
                } else if (c == '\n') {
                    b.append("\\n");
                } else if (c == '\r') {
                    b.append("\\r");
                } else if (c == '\t') {
                    b.append("\\t");
                } else {
                    b.append("\\u").append(HexFormat.of().toHexDigits(c));
                }
            }
        }
        return b == null ? value : b.toString();
    }
}
