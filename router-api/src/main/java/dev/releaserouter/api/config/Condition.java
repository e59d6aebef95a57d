package dev.releaserouter.api.config;

import dev.releaserouter.api.RouteRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One test of a {@link TargetingRule} on one field of a request: {@code tenant in [retail-br]},
 * {@code region equals LATAM}, {@code attributes.app_version semver ">=2.1 <3"},
 * {@code attributes.score gte 0.7}. Immutable and thread-safe; validated and compiled when built,
 * so that {@link #test} allocates nothing.
 *
 * <p>The field is {@code tenant}, {@code region}, {@code channel} or {@code product} (the
 * request's segment fields) or {@code attributes.<name>} (a free attribute,
 * {@link RouteRequest#attributes()}). A request that does not carry the field has no value: it
 * matches only {@link Operator#NOT_IN} (a missing value is in no list), like deny lists, where a
 * missing value is never denied.
 *
 * <p>Comparisons are exact and case-sensitive: {@code in}, {@code not_in}, {@code equals} and
 * {@code prefix} on the text; {@code lt}, {@code lte}, {@code gt}, {@code gte} on plain decimal
 * numbers ({@code -2}, {@code 0.25}; no exponent), a value that is not one matching nothing;
 * {@code semver} with an npm-style range (see {@code docs/targeting.md}).
 */
public final class Condition {

    /** Prefix of a field that names a free attribute, e.g. {@code attributes.app_version}. */
    public static final String ATTRIBUTE_PREFIX = "attributes.";

    /** Names of the request's own fields, in {@link Dimension} order. */
    private static final List<String> SEGMENT_FIELDS = segmentFields();

    /** What a condition does with the field's value. */
    public enum Operator {
        /** The value is one of the listed values. */
        IN("in", true),
        /** The value is none of the listed values (a missing value is none of them). */
        NOT_IN("not_in", true),
        /** The value equals the one given. */
        EQUALS("equals", false),
        /** The value starts with one of the listed prefixes. */
        PREFIX("prefix", true),
        /** The value is a semantic version within the given range. */
        SEMVER("semver", false),
        /** The value is a number less than the one given. */
        LT("lt", false),
        /** The value is a number less than or equal to the one given. */
        LTE("lte", false),
        /** The value is a number greater than the one given. */
        GT("gt", false),
        /** The value is a number greater than or equal to the one given. */
        GTE("gte", false);

        private final String jsonName;
        private final boolean list;

        Operator(String jsonName, boolean list) {
            this.jsonName = jsonName;
            this.list = list;
        }

        /** @return the name in flag files, e.g. {@code not_in} */
        public String jsonName() {
            return jsonName;
        }

        /**
         * @return whether the operator takes a list of values ({@code values} in flag files)
         *     rather than one ({@code value})
         */
        public boolean takesList() {
            return list;
        }

        /**
         * @param name a flag-file name, e.g. {@code gte}
         * @return the operator, or null if no operator has that name
         */
        public static @Nullable Operator fromJsonName(String name) {
            for (Operator o : values()) {
                if (o.jsonName.equals(name)) {
                    return o;
                }
            }
            return null;
        }

        /** @return the flag-file names of all operators, in declaration order */
        public static List<String> jsonNames() {
            List<String> names = new ArrayList<>();
            for (Operator o : values()) {
                names.add(o.jsonName);
            }
            return List.copyOf(names);
        }
    }

    private final String field;
    private final @Nullable Dimension dimension;
    private final @Nullable String attribute;
    private final Operator operator;
    private final List<String> values;
    // Compiled at construction for test().
    private final Set<String> set;
    private final String[] prefixes;
    private final @Nullable SemverRange range;
    private final @Nullable DecimalNumber number;

    private Condition(String field, @Nullable Dimension dimension, @Nullable String attribute,
            Operator operator, List<String> values, @Nullable SemverRange range,
            @Nullable DecimalNumber number) {
        this.field = field;
        this.dimension = dimension;
        this.attribute = attribute;
        this.operator = operator;
        this.values = values;
        this.set = operator == Operator.IN || operator == Operator.NOT_IN ? Set.copyOf(values)
                : Set.of();
        this.prefixes = operator == Operator.PREFIX ? values.toArray(new String[0])
                : new String[0];
        this.range = range;
        this.number = number;
    }

    /**
     * Builds a condition.
     *
     * @param field {@code tenant}, {@code region}, {@code channel}, {@code product} or
     *     {@code attributes.<name>}
     * @param operator the operator
     * @param values the values: one or more, distinct, for {@code in}, {@code not_in} and
     *     {@code prefix}; exactly one for the others (a semver range for {@code semver}, a plain
     *     decimal number for {@code lt}, {@code lte}, {@code gt}, {@code gte})
     * @return the condition
     * @throws ConfigException naming the field ({@code /field}, {@code /value} or
     *     {@code /values/<i>}, relative to the condition) and the bad value: an unknown field, a
     *     missing, blank or duplicate value, more than one value for a one-value operator, a bad
     *     semver range or a bad number
     * @throws NullPointerException if an argument or a value is null
     */
    public static Condition of(String field, Operator operator, List<String> values) {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(values, "values");
        Dimension dimension = null;
        String attribute = null;
        int segment = SEGMENT_FIELDS.indexOf(field);
        if (segment >= 0) {
            dimension = Dimension.values()[segment];
        } else if (field.startsWith(ATTRIBUTE_PREFIX)
                && !field.substring(ATTRIBUTE_PREFIX.length()).isBlank()) {
            attribute = field.substring(ATTRIBUTE_PREFIX.length());
        } else {
            throw new ConfigException("/field", field, "unknown field; expected one of "
                    + SEGMENT_FIELDS + " or \"" + ATTRIBUTE_PREFIX + "<name>\"");
        }
        List<String> copy = List.copyOf(values);
        String list = operator.takesList() ? "/values" : "/value";
        if (copy.isEmpty()) {
            throw new ConfigException(list, null, "operator " + operator.jsonName()
                    + (operator.takesList() ? " needs at least one value" : " needs a value"));
        }
        if (!operator.takesList() && copy.size() > 1) {
            throw new ConfigException("/value", copy, "operator " + operator.jsonName()
                    + " takes exactly one value");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < copy.size(); i++) {
            String v = copy.get(i);
            String at = operator.takesList() ? list + "/" + i : list;
            if (v.isBlank()) {
                throw new ConfigException(at, v, "must be a non-blank string");
            }
            if (!seen.add(v)) {
                throw new ConfigException(at, v, "duplicate value in the list");
            }
        }
        SemverRange range = null;
        DecimalNumber number = null;
        try {
            if (operator == Operator.SEMVER) {
                range = SemverRange.parse(copy.get(0));
            } else if (isNumeric(operator)) {
                number = DecimalNumber.parse(copy.get(0));
            }
        } catch (ConfigException e) {
            throw e.locatedIn(null, "/value");
        }
        return new Condition(field, dimension, attribute, operator, copy, range, number);
    }

    /**
     * @param field the field (see {@link #of})
     * @param values the values, at least one
     * @return {@code field in values}
     * @throws ConfigException as {@link #of}
     */
    public static Condition in(String field, String... values) {
        return of(field, Operator.IN, List.of(values));
    }

    /**
     * @param field the field (see {@link #of})
     * @param values the values, at least one
     * @return {@code field not_in values}
     * @throws ConfigException as {@link #of}
     */
    public static Condition notIn(String field, String... values) {
        return of(field, Operator.NOT_IN, List.of(values));
    }

    /**
     * @param field the field (see {@link #of})
     * @param value the value
     * @return {@code field equals value}
     * @throws ConfigException as {@link #of}
     */
    public static Condition equalTo(String field, String value) {
        return of(field, Operator.EQUALS, List.of(value));
    }

    /**
     * @param field the field (see {@link #of})
     * @param prefixes the prefixes, at least one
     * @return {@code field prefix prefixes}
     * @throws ConfigException as {@link #of}
     */
    public static Condition prefix(String field, String... prefixes) {
        return of(field, Operator.PREFIX, List.of(prefixes));
    }

    /**
     * @param field the field (see {@link #of})
     * @param range an npm-style semver range, e.g. {@code >=2.1.0 <3}
     * @return {@code field semver range}
     * @throws ConfigException as {@link #of}, e.g. for a bad range
     */
    public static Condition semver(String field, String range) {
        return of(field, Operator.SEMVER, List.of(range));
    }

    /**
     * A numeric comparison.
     *
     * @param field the field (see {@link #of})
     * @param operator {@link Operator#LT}, {@link Operator#LTE}, {@link Operator#GT} or
     *     {@link Operator#GTE}
     * @param number a plain decimal number, e.g. {@code 0.7}
     * @return {@code field operator number}
     * @throws ConfigException as {@link #of}, or if the operator is not a comparison
     *     (pointer {@code /op})
     */
    public static Condition compare(String field, Operator operator, String number) {
        if (!isNumeric(operator)) {
            throw new ConfigException("/op", operator.jsonName(),
                    "a numeric comparison is one of lt, lte, gt, gte");
        }
        return of(field, operator, List.of(number));
    }

    private static boolean isNumeric(Operator o) {
        return o == Operator.LT || o == Operator.LTE || o == Operator.GT || o == Operator.GTE;
    }

    /** @return the field as written, e.g. {@code tenant} or {@code attributes.app_version} */
    public String field() {
        return field;
    }

    /** @return the request's segment field this condition reads, or null for an attribute */
    public @Nullable Dimension dimension() {
        return dimension;
    }

    /** @return the name of the free attribute this condition reads, or null for a segment */
    public @Nullable String attribute() {
        return attribute;
    }

    /** @return the operator */
    public Operator operator() {
        return operator;
    }

    /** @return the values as given, immutable; one for one-value operators */
    public List<String> values() {
        return values;
    }

    /**
     * Reads this condition's field from a request. Allocation-free.
     *
     * @param request the request
     * @return the value, or null when the request does not carry it
     */
    public @Nullable String valueOf(RouteRequest request) {
        return dimension != null ? dimension.valueOf(request)
                : request.attributes().get(attribute);
    }

    /**
     * Whether the condition holds for a request.
     *
     * @param request the request
     * @return {@code test(valueOf(request))}
     */
    public boolean matches(RouteRequest request) {
        return test(valueOf(request));
    }

    /**
     * Whether the condition holds for a value of its field. Allocation-free.
     *
     * @param value the field's value, or null when the request does not carry it
     * @return true if it holds; for null, true only for {@link Operator#NOT_IN}
     */
    public boolean test(@Nullable String value) {
        if (value == null) {
            return operator == Operator.NOT_IN;
        }
        switch (operator) {
            case IN:
                return set.contains(value);
            case NOT_IN:
                return !set.contains(value);
            case EQUALS:
                return value.equals(values.get(0));
            case PREFIX:
                for (String p : prefixes) {
                    if (value.startsWith(p)) {
                        return true;
                    }
                }
                return false;
            case SEMVER:
                return range.contains(value);
            default:
                int c = number.compareFrom(value);
                if (c == Integer.MIN_VALUE) {
                    return false;
                }
                switch (operator) {
                    case LT:
                        return c < 0;
                    case LTE:
                        return c <= 0;
                    case GT:
                        return c > 0;
                    default:
                        return c >= 0;
                }
        }
    }

    @Override
    public boolean equals(@Nullable Object o) {
        if (!(o instanceof Condition)) {
            return false;
        }
        Condition c = (Condition) o;
        return field.equals(c.field) && operator == c.operator && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, operator, values);
    }

    /** @return e.g. {@code tenant in [retail-br]} or {@code attributes.score gte 0.7} */
    @Override
    public String toString() {
        return field + " " + operator.jsonName() + " "
                + (operator.takesList() ? values.toString() : values.get(0));
    }

    private static List<String> segmentFields() {
        List<String> names = new ArrayList<>();
        for (Dimension d : Dimension.values()) {
            names.add(d.name().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }
}
