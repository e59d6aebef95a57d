package dev.releaserouter.replay.masking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Arbitrary JSON documents with PII planted at random places: the masked output contains none of
 * the planted raw values, masking is idempotent, and documents without PII come out unchanged.
 */
class MaskingProperties {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String PII_FIELD = "kpii";
    private static final List<String> DROP = List.of("password", "apiToken");
    private static final List<String> HASH = List.of("customerId", "email_address");
    private static final List<String> REDACT = List.of("address", "fullName");

    private static final Masker MASKER = MaskingRules.builder(MaskerTest.KEY)
            .drop(DROP.toArray(String[]::new))
            .hash(HASH.toArray(String[]::new))
            .redact(REDACT.toArray(String[]::new))
            .redactPointer("/kvault/*")
            .build();

    /** A document, the same document before PII was planted, and the planted raw values. */
    record Planted(JsonNode document, JsonNode clean, List<String> raw) {
        @Override
        public String toString() {
            return document.toString() + " planted " + raw;
        }
    }

    /** A value to plant: the field name to put it under, its JSON value, its raw secret. */
    record Plant(String field, JsonNode value, String raw) {}

    @Property(tries = 400)
    void maskedOutput_containsNoPlantedRawValue(@ForAll("plantedDocuments") Planted planted) {
        String masked = JSON.writeValueAsString(MASKER.mask(planted.document()));

        for (String raw : planted.raw()) {
            assertThat(masked).doesNotContain(raw);
        }
    }

    @Property(tries = 400)
    void masking_isIdempotent(@ForAll("plantedDocuments") Planted planted) {
        JsonNode once = MASKER.mask(planted.document());

        assertThat(MASKER.mask(once)).isEqualTo(once);
        assertThat(MASKER.maskJson(once.toString())).isEqualTo(JSON.writeValueAsString(once));
    }

    @Property(tries = 1000)
    void scanning_digitAndSeparatorSoup_isIdempotent(@ForAll("soup") String text) {
        String once = MaskerTest.maskString(MASKER, text);

        assertThat(MaskerTest.maskString(MASKER, once)).isEqualTo(once);
    }

    @Property(tries = 300)
    void documentsWithoutPii_areKept(@ForAll("plantedDocuments") Planted planted) {
        assertThat(MASKER.mask(planted.clean())).isEqualTo(planted.clean());
    }

    @Property(tries = 300)
    void piiBesidePlainValues_leavesThePlainValuesAlone(@ForAll("plainText") String before,
            @ForAll("pii") Plant pii, @ForAll("plainText") String after) {
        String text = before + " " + pii.raw() + " " + after;

        String masked = MaskerTest.maskString(MASKER, text);

        assertThat(masked).startsWith(before + " ").endsWith(" " + after)
                .doesNotContain(pii.raw());
    }

    // ---- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<Planted> plantedDocuments() {
        Arbitrary<List<Tuple.Tuple2<Plant, Integer>>> plants = Combinators
                .combine(Arbitraries.oneOf(inText(), rulePlant(), vaultPlant()),
                        Arbitraries.integers().between(0, 1_000))
                .as(Tuple::of)
                .list().ofMinSize(1).ofMaxSize(8);
        return Combinators.combine(object(3), plants).as((clean, list) -> {
            JsonNode document = clean.deepCopy();
            List<String> raw = new ArrayList<>();
            for (Tuple.Tuple2<Plant, Integer> plant : list) {
                plantAt(document, plant.get1(), plant.get2());
                raw.add(plant.get1().raw());
            }
            return new Planted(document, clean, raw);
        });
    }

    /** Puts the plant into one of the document's containers, chosen by where. */
    private static void plantAt(JsonNode document, Plant plant, int where) {
        if (plant.field().equals("kvault")) {
            JsonNode vault = document.get("kvault");
            if (vault == null || !vault.isArray()) {
                vault = NODES.arrayNode();
                ((ObjectNode) document).set("kvault", vault);
            }
            ((ArrayNode) vault).add(plant.value());
            return;
        }
        List<JsonNode> containers = new ArrayList<>();
        collect(document, containers);
        JsonNode target = containers.get(where % containers.size());
        if (target.isObject()) {
            ((ObjectNode) target).set(plant.field(), plant.value());
        } else if (plant.field().equals(PII_FIELD)) {
            ((ArrayNode) target).add(plant.value());
        } else {
            // A rule plant keeps its field name: inside an array it comes in an object.
            ((ArrayNode) target).add(NODES.objectNode().set(plant.field(), plant.value()));
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainer()) {
            containers.add(node);
            node.values().forEach(child -> collect(child, containers));
        }
    }

    /** A detectable PII value alone; the field name is a plain one. */
    @Provide
    Arbitrary<Plant> pii() {
        return Arbitraries.oneOf(emails(), cpfs(), cnpjs(), cards(), phones())
                .map(raw -> new Plant(PII_FIELD, NODES.stringNode(raw), raw));
    }

    /** The PII inside free text, under a plain field name. */
    private Arbitrary<Plant> inText() {
        Arbitrary<String> separator = Arbitraries.of(" ", ": ", ", ", " (", "\n", "\t", " - ");
        return Combinators.combine(plainText(), separator, pii(), separator, plainText())
                .as((before, s1, pii, s2, after) -> new Plant(PII_FIELD,
                        NODES.stringNode(before + s1 + pii.raw() + s2 + after), pii.raw()));
    }

    @Provide
    Arbitrary<String> plainText() {
        return Arbitraries.strings().withChars("abcdefghij XYZ,;:!?()ãçé").ofMaxLength(20)
                .map(s -> "w" + s + "w");
    }

    /** A raw secret under a field that a drop, hash or redact rule names (in any case). */
    private Arbitrary<Plant> rulePlant() {
        List<String> names = new ArrayList<>(DROP);
        names.addAll(HASH);
        names.addAll(REDACT);
        Arbitrary<String> name = Arbitraries.of(names).flatMap(n -> Arbitraries.of(n,
                n.toUpperCase(Locale.ROOT), n.toLowerCase(Locale.ROOT)));
        Arbitrary<String> secret = Arbitraries.strings().withChars("qwxyz").ofMinLength(10)
                .ofMaxLength(14).map(s -> "zq" + s);
        Arbitrary<Integer> shape = Arbitraries.integers().between(0, 2);
        return Combinators.combine(name, secret, shape).as((n, s, k) -> new Plant(n,
                switch (k) {
                    case 0 -> NODES.stringNode(s);
                    case 1 -> NODES.objectNode().put("inner", s);
                    default -> NODES.arrayNode().add(s).add(s + " ana@ex.com");
                }, s));
    }

    /** A raw secret in the array the pointer rule /kvault/* redacts. */
    private Arbitrary<Plant> vaultPlant() {
        return Arbitraries.strings().withChars("qwxyz").ofMinLength(10).ofMaxLength(14)
                .map(s -> new Plant("kvault", NODES.stringNode("zq" + s), "zq" + s));
    }

    @Provide
    Arbitrary<String> soup() {
        return Arbitraries.strings().withChars("0123456789 -./()+@abx").ofMaxLength(60);
    }

    // ---- plain JSON -----------------------------------------------------------------------

    private Arbitrary<JsonNode> value(int depth) {
        if (depth == 0) {
            return scalar();
        }
        return Arbitraries.frequencyOf(Tuple.of(4, scalar()), Tuple.of(1, object(depth - 1)),
                Tuple.of(1, array(depth - 1)));
    }

    private Arbitrary<JsonNode> object(int depth) {
        return Arbitraries.maps(fieldName(), value(depth)).ofMaxSize(5).map(map -> {
            ObjectNode node = NODES.objectNode();
            map.forEach(node::set);
            return node;
        });
    }

    private Arbitrary<JsonNode> array(int depth) {
        return value(depth).list().ofMaxSize(4).map(list -> {
            ArrayNode node = NODES.arrayNode();
            list.forEach(node::add);
            return node;
        });
    }

    /** Plain names: they start with 'k', unlike every rule name. */
    private Arbitrary<String> fieldName() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6).map(s -> "k" + s);
    }

    private Arbitrary<JsonNode> scalar() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz ABC-_.,:;ãçé")
                        .ofMaxLength(20).map(NODES::stringNode),
                // At most 10 digits: longer whole numbers may be a CPF, CNPJ or card number,
                // which are masked as such (issue 12, item 11).
                Arbitraries.longs().between(-9_999_999_999L, 9_999_999_999L)
                        .map(NODES::numberNode),
                Arbitraries.doubles().between(-1e9, 1e9).map(NODES::numberNode),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                Arbitraries.just(NODES.nullNode()));
    }

    // ---- PII ----------------------------------------------------------------------------------

    private static Arbitrary<String> digits(int n) {
        return Arbitraries.strings().numeric().ofLength(n);
    }

    private Arbitrary<String> emails() {
        Arbitrary<String> local = Arbitraries.strings().withCharRange('a', 'z')
                .withCharRange('0', '9').withChars("._+-").ofMinLength(1).ofMaxLength(12)
                .map(s -> "u" + s + "x");
        Arbitrary<String> domain = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
                .ofMaxLength(10);
        Arbitrary<String> tld = Arbitraries.of("com", "com.br", "org", "net", "io", "gov.br");
        return Combinators.combine(local, domain, tld).as((l, d, t) -> l + "@" + d + "." + t);
    }

    private Arbitrary<String> cpfs() {
        return Combinators.combine(digits(9).filter(s -> !allSame(s)), Arbitraries.of(true, false))
                .as((base, formatted) -> {
                    String cpf = base + cpfDigits(base);
                    return formatted ? cpf.substring(0, 3) + "." + cpf.substring(3, 6) + "."
                            + cpf.substring(6, 9) + "-" + cpf.substring(9) : cpf;
                });
    }

    private Arbitrary<String> cnpjs() {
        return Combinators.combine(digits(12).filter(s -> !allSame(s)),
                Arbitraries.of(true, false)).as((base, formatted) -> {
                    String c = base + cnpjDigits(base);
                    return formatted ? c.substring(0, 2) + "." + c.substring(2, 5) + "."
                            + c.substring(5, 8) + "/" + c.substring(8, 12) + "-"
                            + c.substring(12) : c;
                });
    }

    private Arbitrary<String> cards() {
        Arbitrary<String> number = Arbitraries.integers().between(13, 19).flatMap(length ->
                Combinators.combine(Arbitraries.integers().between(2, 6), digits(length - 2))
                        .as((first, rest) -> {
                            String body = first + rest;
                            return body + luhnDigit(body);
                        }));
        return Combinators.combine(number, Arbitraries.of("", " ", "-"))
                .as(MaskingProperties::layout);
    }

    /** Groups a card number the way cards are printed (4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3). */
    private static String layout(String number, String separator) {
        int[] groups = switch (number.length()) {
            case 14 -> new int[] {4, 6, 4};
            case 15 -> new int[] {4, 6, 5};
            case 16 -> new int[] {4, 4, 4, 4};
            case 19 -> new int[] {4, 4, 4, 4, 3};
            default -> new int[] {number.length()};
        };
        List<String> parts = new ArrayList<>();
        int at = 0;
        for (int size : groups) {
            parts.add(number.substring(at, at + size));
            at += size;
        }
        return parts.stream().collect(Collectors.joining(separator));
    }

    private Arbitrary<String> phones() {
        Arbitrary<String> ddd = Combinators.combine(Arbitraries.integers().between(1, 9),
                Arbitraries.integers().between(1, 9)).as((a, b) -> "" + a + b);
        return Combinators.combine(ddd, digits(4), digits(4), Arbitraries.integers().between(0, 7))
                .as((d, a, b, kind) -> switch (kind) {
                    case 0 -> "+55 " + d + " 9" + a + "-" + b;
                    case 1 -> "+55" + d + "9" + a + b;
                    case 2 -> "(" + d + ") 9" + a + "-" + b;
                    case 3 -> d + " 9" + a + "-" + b;
                    case 4 -> "(" + d + ") " + a + "-" + b;
                    case 5 -> "9" + a + "-" + b;
                    case 6 -> "+55 (" + d + ") 9" + a + "-" + b;
                    default -> "+1 (4" + d + ") " + a.substring(1) + "-" + b;
                });
    }

    private static boolean allSame(String s) {
        return s.chars().distinct().count() == 1;
    }

    static String cpfDigits(String nine) {
        int d1 = mod11(weighted(nine, new int[] {10, 9, 8, 7, 6, 5, 4, 3, 2}));
        int d2 = mod11(weighted(nine + d1, new int[] {11, 10, 9, 8, 7, 6, 5, 4, 3, 2}));
        return "" + d1 + d2;
    }

    static String cnpjDigits(String twelve) {
        int d1 = mod11(weighted(twelve, new int[] {5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}));
        int d2 = mod11(weighted(twelve + d1, new int[] {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}));
        return "" + d1 + d2;
    }

    private static int weighted(String digits, int[] weights) {
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += (digits.charAt(i) - '0') * weights[i];
        }
        return sum;
    }

    private static int mod11(int sum) {
        return sum % 11 < 2 ? 0 : 11 - sum % 11;
    }

    static int luhnDigit(String body) {
        int sum = 0;
        boolean doubled = true;
        for (int i = body.length() - 1; i >= 0; i--) {
            int d = body.charAt(i) - '0';
            if (doubled) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
            doubled = !doubled;
        }
        return (10 - sum % 10) % 10;
    }
}
