package dev.releaserouter.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Durations as configuration files write them: ISO-8601 ("PT1H") or "30s", "15m", "1h", "1d". */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})([smhd])");

    private Durations() {}

    /**
     * @param text the duration text
     * @return the duration, or null if the text is neither form (the caller names the field)
     */
    public static @Nullable Duration parse(String text) {
        Matcher m = SHORT.matcher(text);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "s":
                    return Duration.of(amount, ChronoUnit.SECONDS);
                case "m":
                    return Duration.of(amount, ChronoUnit.MINUTES);
                case "h":
                    return Duration.of(amount, ChronoUnit.HOURS);
                default:
                    return Duration.of(amount, ChronoUnit.DAYS);
            }
        }
        try {
            return Duration.parse(text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
