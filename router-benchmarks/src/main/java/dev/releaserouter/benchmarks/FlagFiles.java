package dev.releaserouter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Flag files for the configuration benchmarks: a 5% canary with a large tenant deny list. */
final class FlagFiles {

    private FlagFiles() {}

    /**
     * The flag file of the decide benchmark's model, in the long form.
     *
     * @param deniedTenants size of the tenant deny list
     * @param weightPercent the candidate's weight
     * @param killed whether the model's kill switch is on
     * @return the file's UTF-8 text
     */
    static String canary(int deniedTenants, double weightPercent, boolean killed) {
        return canary("vip-tenant-", deniedTenants, weightPercent, killed);
    }

    /**
     * As {@link #canary(int, double, boolean)}, with the denied tenants named
     * {@code <prefix><i>}.
     *
     * @param prefix the tenant name prefix
     * @param deniedTenants size of the tenant deny list
     * @param weightPercent the candidate's weight
     * @param killed whether the model's kill switch is on
     * @return the file's UTF-8 text
     */
    static String canary(String prefix, int deniedTenants, double weightPercent,
            boolean killed) {
        StringBuilder b = new StringBuilder(64 + deniedTenants * 24);
        b.append("{\n  \"schema_version\": 1,\n  \"models\": {\n    \"churn\": {\n")
                .append("      \"stable\": \"v1\",\n      \"versions\": {\n")
                .append("        \"v1\": { \"stage\": \"approved\" },\n")
                .append("        \"v2\": { \"stage\": \"approved\", \"weight\": ")
                .append(weightPercent).append(" }\n      },\n")
                .append("      \"deny\": { \"tenants\": [");
        for (int i = 0; i < deniedTenants; i++) {
            b.append(i == 0 ? "" : ", ").append('"').append(prefix).append(i).append('"');
        }
        b.append("] },\n      \"allow\": { \"regions\": [\"BR\", \"LATAM\"] },\n")
                .append("      \"kill\": ").append(killed).append("\n    }\n  }\n}\n");
        return b.toString();
    }

    /**
     * Deletes a benchmark's temporary directory and the files in it.
     *
     * @param dir the directory
     * @throws IOException if a file cannot be deleted
     */
    static void deleteDirectory(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /**
     * Replaces a file atomically (write a sibling, then rename), as deployment tools do.
     *
     * @param file the file
     * @param text its new content
     */
    static void replace(Path file, String text) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
