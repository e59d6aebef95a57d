package dev.releaserouter.replay.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class MaskerTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final Masker detectorsOnly = MaskingRules.builder(KEY).build();

    // ---- field rules --------------------------------------------------------------------------

    @Test
    void drop_byName_removesTheFieldAtAnyDepthIgnoringCase() {
        Masker masker = MaskingRules.builder(KEY).drop("password").build();

        String masked = masker.maskJson("{\"Password\":\"s3cret\",\"user\":{\"PASSWORD\":\"x\","
                + "\"name\":\"Ana\"},\"list\":[{\"password\":1}]}");

        assertThat(masked).isEqualTo("{\"user\":{\"name\":\"Ana\"},\"list\":[{}]}");
    }

    @Test
    void redact_byName_replacesAnyValueIncludingObjects() {
        Masker masker = MaskingRules.builder(KEY).redact("address", "age").build();

        String masked = masker.maskJson(
                "{\"address\":{\"street\":\"Rua A\",\"n\":10},\"age\":42,\"ok\":true}");

        assertThat(masked)
                .isEqualTo("{\"address\":\"[REDACTED]\",\"age\":\"[REDACTED]\",\"ok\":true}");
    }

    @Test
    void hash_byName_replacesWithTruncatedKeyedHashThatStillJoins() {
        Masker masker = MaskingRules.builder(KEY).hash("customerId").build();

        JsonNode a = masker.mask(tree("{\"customerId\":\"c-42\"}"));
        JsonNode b = masker.mask(tree("{\"order\":{\"CUSTOMERID\":\"c-42\"}}"));

        String token = a.get("customerId").stringValue();
        assertThat(token).matches("hmac:[0-9a-f]{32}").isEqualTo(masker.hashValue("c-42"));
        assertThat(b.get("order").get("CUSTOMERID").stringValue()).isEqualTo(token);
    }

    @Test
    void hash_isTheFirst16BytesOfHmacSha256_rfc4231Vector() {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x0b);
        Masker masker = MaskingRules.builder(key).hash("v").build();

        assertThat(masker.maskJson("{\"v\":\"Hi There\"}"))
                .isEqualTo("{\"v\":\"hmac:b0344c61d8db38535ca8afceaf0bf12b\"}");
        assertThat(masker.hashEntityKey("Hi There"))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }

    @Test
    void hash_differentKeys_giveDifferentTokens() {
        byte[] other = KEY.clone();
        other[0] ^= 1;
        Masker a = MaskingRules.builder(KEY).build();
        Masker b = MaskingRules.builder(other).build();

        assertThat(a.hashValue("x")).isNotEqualTo(b.hashValue("x"));
        assertThat(a.hashEntityKey("user-1")).isNotEqualTo(b.hashEntityKey("user-1"));
        assertThat(a.hashEntityKey("user-1")).isEqualTo(a.hashEntityKey("user-1"));
    }

    @Test
    void hash_numbersHashLikeTheirText_nullStaysNull_containersHashEveryScalar() {
        Masker masker = MaskingRules.builder(KEY).hash("id", "ids", "none", "profile").build();

        JsonNode out = masker.mask(tree("{\"id\":123,\"ids\":[123,\"123\",true],\"none\":null,"
                + "\"profile\":{\"name\":\"Ana\",\"tags\":[\"a\"]}}"));

        String h123 = masker.hashValue("123");
        assertThat(out.get("id").stringValue()).isEqualTo(h123);
        assertThat(out.get("ids").get(0).stringValue()).isEqualTo(h123);
        assertThat(out.get("ids").get(1).stringValue()).isEqualTo(h123);
        assertThat(out.get("ids").get(2).stringValue()).isEqualTo(masker.hashValue("true"));
        assertThat(out.get("none").isNull()).isTrue();
        assertThat(out.get("profile").get("name").stringValue())
                .isEqualTo(masker.hashValue("Ana"));
        assertThat(out.get("profile").get("tags").get(0).stringValue())
                .isEqualTo(masker.hashValue("a"));
    }

    @Test
    void hash_ofAHashToken_keepsIt() {
        Masker masker = MaskingRules.builder(KEY).hash("id").build();

        String once = masker.maskJson("{\"id\":\"abc\"}");

        assertThat(masker.maskJson(once)).isEqualTo(once);
    }

    @Test
    void rules_mostProtectiveWins_insideAHashedObjectADroppedFieldStaysDropped() {
        Masker masker = MaskingRules.builder(KEY).hash("customer").drop("password")
                .redactPointer("/customer/name").build();

        JsonNode out = masker.mask(tree(
                "{\"customer\":{\"name\":\"Ana\",\"password\":\"pw\",\"city\":\"Recife\"}}"));

        assertThat(out.get("customer").has("password")).isFalse();
        assertThat(out.get("customer").get("name").stringValue()).isEqualTo("[REDACTED]");
        assertThat(out.get("customer").get("city").stringValue())
                .isEqualTo(masker.hashValue("Recife"));
    }

    @Test
    void pointers_matchExactly_withWildcardForArraysAndEscapes() {
        Masker masker = MaskingRules.builder(KEY)
                .redactPointer("/contacts/*/name")
                .hashPointer("/a~1b/c~0d")
                .dropPointer("/items/1")
                .build();

        String masked = masker.maskJson("{\"contacts\":[{\"name\":\"Ana\",\"kind\":\"x\"},"
                + "{\"name\":\"Bia\"}],\"Contacts\":[{\"name\":\"Caio\"}],"
                + "\"a/b\":{\"c~d\":\"v\"},\"items\":[\"k\",\"gone\",\"k\"]}");

        assertThat(masked).isEqualTo("{\"contacts\":[{\"name\":\"[REDACTED]\",\"kind\":\"x\"},"
                + "{\"name\":\"[REDACTED]\"}],\"Contacts\":[{\"name\":\"Caio\"}],"
                + "\"a/b\":{\"c~d\":\"" + masker.hashValue("v") + "\"},"
                + "\"items\":[\"k\",null,\"k\"]}");
    }

    @Test
    void pointerWildcard_onAnObject_isALiteralMemberName() {
        Masker masker = MaskingRules.builder(KEY).redactPointer("/m/*").build();

        assertThat(masker.maskJson("{\"m\":{\"a\":\"1\",\"*\":\"2\"}}"))
                .isEqualTo("{\"m\":{\"a\":\"1\",\"*\":\"[REDACTED]\"}}");
    }

    @Test
    void dropPointer_onEveryArrayElement_keepsPositionsAsNull() {
        Masker masker = MaskingRules.builder(KEY).dropPointer("/xs/*").build();

        String once = masker.maskJson("{\"xs\":[1,2]}");

        assertThat(once).isEqualTo("{\"xs\":[null,null]}");
        assertThat(masker.maskJson(once)).isEqualTo(once);
    }

    // ---- detectors ----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"ana.souza@example.com", "a+tag@mail.example.com.br",
            "JOAO_1@Example.ORG", "maria-silva@sub-domain.example.co"})
    void email_isReplaced(String email) {
        assertThat(scan("escreva para " + email + ", obrigado"))
                .isEqualTo("escreva para [EMAIL], obrigado");
    }

    @ParameterizedTest
    @ValueSource(strings = {"+55 11 91234-5678", "+5511912345678", "+55 (11) 91234-5678",
            "(11) 91234-5678", "(11)91234-5678", "( 21 ) 3456-7890", "(11) 1234-5678",
            "11 91234-5678", "11 912345678", "21.3456.7890", "91234-5678", "+1 (415) 555-2671",
            "+44 20 7946 0958"})
    void phone_isReplaced(String phone) {
        assertThat(scan("ligue " + phone + " hoje")).isEqualTo("ligue [PHONE] hoje");
    }

    @ParameterizedTest
    @ValueSource(strings = {"529.982.247-25", "52998224725", "111.444.777-35", "111444777-35"})
    void cpf_withValidCheckDigits_isReplaced(String cpf) {
        assertThat(scan("CPF " + cpf + ".")).isEqualTo("CPF [CPF].");
        assertThat(scan("cpf:" + cpf)).isEqualTo("cpf:[CPF]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"11.222.333/0001-81", "11222333000181", "12.ABC.345/01DE-35"})
    void cnpj_withValidCheckDigits_isReplaced(String cnpj) {
        assertThat(scan("CNPJ " + cnpj + " ativo")).isEqualTo("CNPJ [CNPJ] ativo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111",
            "5555555555554444", "3782 822463 10005", "6011000990139424", "4222222222222"})
    void card_withValidLuhn_isReplaced(String card) {
        assertThat(scan("cartao " + card + " exp 12/29")).isEqualTo("cartao [CARD] exp 12/29");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "529.982.247-26",                          // CPF, wrong check digit
        "111.111.111-11",                          // CPF, repeated digits
        "11.222.333/0001-82",                      // CNPJ, wrong check digit
        "4111 1111 1111 1112",                     // card, Luhn fails
        "1736418645123",                           // epoch millis: 13 digits, starts with 1
        "2025-01-09T10:30:45.123Z",
        "2025-01-09 2025-01-10",
        "550e8400-e29b-41d4-a716-446655440000",
        "order 12345",
        "version 1.2.3",
        "R$ 1.234.567,89",
        "CEP 01310-100",
        "@handle",
        "12345-6789",
    })
    void plainValuesAndIds_areKept(String text) {
        assertThat(scan(text)).isEqualTo(text);
    }

    @Test
    void severalFindingsInOneText_areAllReplaced() {
        String text = "Ana (ana@ex.com, CPF 529.982.247-25, tel (11) 91234-5678) pagou com"
                + " 5555 5555 5555 4444 para 11.222.333/0001-81";

        assertThat(scan(text)).isEqualTo("Ana ([EMAIL], CPF [CPF], tel [PHONE]) pagou com"
                + " [CARD] para [CNPJ]");
    }

    @Test
    void detectors_canBeTurnedOffOneByOne() {
        String text = "ana@ex.com 529.982.247-25 11.222.333/0001-81 4111111111111111"
                + " (11) 91234-5678";
        Masker none = MaskingRules.builder(KEY).disable(PiiDetector.values()).build();
        Masker noPhone = MaskingRules.builder(KEY).disable(PiiDetector.PHONE).build();
        Masker onlyCard = MaskingRules.builder(KEY).disable(PiiDetector.values())
                .enable(PiiDetector.CARD).build();

        assertThat(maskString(none, text)).isEqualTo(text);
        assertThat(maskString(noPhone, text)).isEqualTo("[EMAIL] [CPF] [CNPJ] [CARD]"
                + " (11) 91234-5678");
        assertThat(maskString(onlyCard, text)).isEqualTo("ana@ex.com 529.982.247-25"
                + " 11.222.333/0001-81 [CARD] (11) 91234-5678");
    }

    @Test
    void detectors_scanValuesAndWholeNumbers_notFieldNames() {
        String masked = detectorsOnly.maskJson(
                "{\"ana@ex.com\":\"ana@ex.com\",\"n\":52998224725,\"s\":\"52998224725\"}");

        // Whole numbers are checked too since issue 12, item 11 (a CPF stored as a number).
        assertThat(masked).isEqualTo("{\"ana@ex.com\":\"[EMAIL]\",\"n\":\"[CPF]\","
                + "\"s\":\"[CPF]\"}");
    }

    @Test
    void detectors_placeholderTextIsNotScannedAgain() {
        String text = "x [EMAIL] [CPF] [CNPJ] [CARD] [PHONE] [REDACTED] hmac:"
                + "0123456789abcdef0123456789abcdef";

        assertThat(scan(text)).isEqualTo(text);
    }

    @Test
    void detectors_onAVeryLongString_finishQuickly() {
        String text = "a".repeat(200_000) + "@" + "b".repeat(200_000) + " 1".repeat(100_000);

        long start = System.nanoTime();
        // A host name without dots counts as a domain (user@localhost) since issue 12, item 11.
        assertThat(scan(text)).isEqualTo("[EMAIL]" + " 1".repeat(100_000));
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    // ---- maskValue and maskJson -------------------------------------------------------------

    record Customer(String name, String email, String cpf, Map<String, Object> extra) {}

    @Test
    void maskValue_ofARecordWithAnEmailAndACpf_containsNoRawPii() {
        Customer customer = new Customer("Ana", "ana.souza@example.com", "529.982.247-25",
                Map.of("note", "ligar em (11) 91234-5678 ou ana.souza@example.com"));

        String masked = detectorsOnly.maskValue(customer);

        assertThat(masked).doesNotContain("ana.souza", "example.com", "529.982.247-25",
                "52998224725", "91234-5678");
        assertThat(tree(masked).get("email").stringValue()).isEqualTo("[EMAIL]");
        assertThat(tree(masked).get("cpf").stringValue()).isEqualTo("[CPF]");
        assertThat(tree(masked).get("name").stringValue()).isEqualTo("Ana");
    }

    @Test
    void maskValue_convertsMapsListsPrimitivesAndStrings() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("xs", List.of(1, "ana@ex.com"));
        map.put("b", true);

        assertThat(detectorsOnly.maskValue(map)).isEqualTo("{\"xs\":[1,\"[EMAIL]\"],\"b\":true}");
        assertThat(detectorsOnly.maskValue(42)).isEqualTo("42");
        assertThat(detectorsOnly.maskValue("ana@ex.com")).isEqualTo("\"[EMAIL]\"");
        assertThat(detectorsOnly.maskValue("{\"a\":1}")).isEqualTo("\"{\\\"a\\\":1}\"");
        assertThat(detectorsOnly.maskValue(null)).isEqualTo("null");
        assertThat(detectorsOnly.maskValue(tree("{\"e\":\"ana@ex.com\"}")))
                .isEqualTo("{\"e\":\"[EMAIL]\"}");
    }

    @Test
    void maskValue_ofANonFiniteDouble_isValidJson() {
        String masked = detectorsOnly.maskValue(Map.of("score", Double.NaN));

        assertThat(tree(masked).has("score")).isTrue();
    }

    /** No properties: Jackson cannot serialize it. Its toString carries PII. */
    static final class Opaque {
        @Override
        public String toString() {
            return "ana.souza@example.com";
        }
    }

    /** A getter that throws. */
    static final class Exploding {
        public String getName() {
            throw new IllegalStateException("ana.souza@example.com");
        }
    }

    /** Refers to itself through another node: a cycle. */
    static final class Link {
        public String email = "ana.souza@example.com";
        public Link next;
    }

    @Test
    void maskValue_ofSomethingJacksonCannotSerialize_namesOnlyItsClass() {
        Link a = new Link();
        a.next = new Link();
        a.next.next = a;
        assertThat(detectorsOnly.maskValue(a))
                .isEqualTo("{\"unserializable\":\"" + Link.class.getName() + "\"}");
        assertThat(detectorsOnly.maskValue(new Opaque()))
                .isEqualTo("{\"unserializable\":\"" + Opaque.class.getName() + "\"}");
        assertThat(detectorsOnly.maskValue(new Exploding()))
                .isEqualTo("{\"unserializable\":\"" + Exploding.class.getName() + "\"}");
    }

    @Test
    void maskJson_invalidJson_throwsWithoutQuotingTheContent() {
        assertThatThrownBy(() -> detectorsOnly.maskJson("{\"e\": ana.souza@example.com}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not valid JSON")
                .hasNoCause()
                .message().doesNotContain("ana");
        assertThatThrownBy(() -> detectorsOnly.maskJson("{} {\"x\":\"ana@ex.com\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("ana");
        assertThatThrownBy(() -> detectorsOnly.maskJson(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void maskJson_scalarsAndArraysAtTheTop_areMasked() {
        assertThat(detectorsOnly.maskJson("\"ana@ex.com\"")).isEqualTo("\"[EMAIL]\"");
        assertThat(detectorsOnly.maskJson("[\"529.982.247-25\", 7]")).isEqualTo("[\"[CPF]\",7]");
        assertThat(detectorsOnly.maskJson("null")).isEqualTo("null");
    }

    @Test
    void mask_neverModifiesItsArgument() {
        Masker masker = MaskingRules.builder(KEY).drop("a").hash("b").build();
        JsonNode input = tree("{\"a\":1,\"b\":\"x\",\"c\":[\"ana@ex.com\"]}");
        JsonNode copy = input.deepCopy();

        masker.mask(input);

        assertThat(input).isEqualTo(copy);
    }

    @Test
    void hashing_fromManyThreadsAtOnce_givesTheSameResults() throws Exception {
        Masker masker = MaskingRules.builder(KEY).hash("v").build();
        List<String> keys = IntStream.range(0, 2_000)
                .mapToObj(i -> "user-" + i).toList();
        List<String> expected = keys.stream().map(masker::hashEntityKey).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> keys.stream().map(masker::hashEntityKey).toList()));
            }
            for (Future<List<String>> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- configuration ------------------------------------------------------------------------

    @Test
    void builder_rejectsBadKeysPointersAndConflictingRules() {
        assertThatThrownBy(() -> MaskingRules.builder(new byte[15]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hmac key must be 16 to 64 bytes, but was 15");
        assertThatThrownBy(() -> MaskingRules.builder(new byte[65]))
                .hasMessage("hmac key must be 16 to 64 bytes, but was 65");
        assertThatThrownBy(() -> MaskingRules.builder(KEY).dropPointer("a/b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> MaskingRules.builder(KEY).dropPointer(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MaskingRules.builder(KEY).dropPointer("/a~2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'~'");
        assertThatThrownBy(() -> MaskingRules.builder(KEY).drop(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MaskingRules.builder(KEY).hash("Email").redact("email"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("field 'email' already has the rule hash; it cannot also redact");
        assertThatThrownBy(() -> MaskingRules.builder(KEY).hashPointer("/a").dropPointer("/a"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builder_sameRuleTwice_isFine_andTheKeyIsCopied() {
        byte[] key = KEY.clone();
        MaskingRules.Builder builder = MaskingRules.builder(key).drop("a").drop("A");
        Masker before = builder.build();
        key[0] ^= 1;

        assertThat(builder.build().hashEntityKey("k")).isEqualTo(before.hashEntityKey("k"));
    }

    @Test
    void builderWithoutKey_usesARandomSecret() {
        Masker a = MaskingRules.builder().build();
        Masker b = MaskingRules.builder().build();

        assertThat(a.hashEntityKey("k")).hasSize(64).isNotEqualTo(b.hashEntityKey("k"));
    }

    @Test
    void toString_describesRulesButNotTheKey() {
        Masker masker = MaskingRules.builder(KEY).drop("password").hashPointer("/id").build();

        assertThat(masker.toString()).contains("drop password", "hash /id", "EMAIL")
                .doesNotContain("0123456789abcdef");
    }

    // ---- helpers ------------------------------------------------------------------------------

    private String scan(String text) {
        return maskString(detectorsOnly, text);
    }

    static String maskString(Masker masker, String text) {
        return masker.mask(JSON.getNodeFactory().stringNode(text)).stringValue();
    }

    static JsonNode tree(String json) {
        return JSON.readTree(json);
    }
}
