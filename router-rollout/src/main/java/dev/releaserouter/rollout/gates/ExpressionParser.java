package dev.releaserouter.rollout.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A recursive-descent parser of the gate expression language (no script engine). From lowest
 * to highest precedence: {@code or}; {@code and}; {@code not}; one comparison
 * {@code <= < >= > == !=} (not chainable); {@code + -}; {@code * /}; unary minus; numbers,
 * {@code arm.metric} references, named parameters, {@code abs/max/min(...)} and parentheses.
 * Operators of equal precedence associate to the left. Types are checked while parsing: a
 * comparison takes numbers, {@code and/or/not} take comparisons.
 *
 * <p>Bounded: an expression is at most {@value #MAX_LENGTH} characters and nests at most
 * {@value #MAX_DEPTH} levels (parentheses, function calls, unary minus, {@code not}, and the
 * depth of the tree a chain such as {@code 1 + 1 + ...} builds), so parsing and evaluating never
 * overflow the stack; longer or deeper expressions are an {@link ExpressionException} with the
 * column.
 *
 * <p>Stateless between calls; each {@link #parseCondition} uses a fresh instance, so it is
 * thread-safe.
 */
final class ExpressionParser {

    /** The longest expression accepted, in characters. */
    public static final int MAX_LENGTH = 10_000;
    /** The deepest nesting accepted: of the parser's recursion and of the parsed tree. */
    public static final int MAX_DEPTH = 64;

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String text;
    private final Map<String, String> arms;
    private final Map<String, Double> params;
    private int pos;
    // Nesting of the recursive descent, and depth of the tree last built.
    private int nesting;
    private int depth;

    private ExpressionParser(String text, Map<String, String> arms, Map<String, Double> params) {
        this.text = text;
        this.arms = arms;
        this.params = params;
    }

    /**
     * Parses a boolean expression.
     *
     * @param text the expression
     * @param arms every name an expression may use for an arm, mapped to the canonical name
     *     ({@code stable} or {@code candidate})
     * @param params named constants by dotted name
     * @return the tree, whose root is boolean
     * @throws ExpressionException with the column on a syntax error, an unknown function,
     *     parameter or arm, a malformed metric reference, unbalanced parentheses or a type error
     */
    public static Expr parseCondition(String text, Map<String, String> arms,
            Map<String, Double> params) {
        if (text.length() > MAX_LENGTH) {
            throw new ExpressionException(MAX_LENGTH + 1, "the expression is longer than "
                    + MAX_LENGTH + " characters (" + text.length() + ")");
        }
        ExpressionParser p = new ExpressionParser(text, arms, params);
        p.skipSpace();
        if (p.pos >= text.length()) {
            throw new ExpressionException(1, "the expression is empty");
        }
        Expr e = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            if (text.charAt(p.pos) == ')') {
                throw new ExpressionException(p.pos + 1, "unbalanced parentheses: ')' has no"
                        + " matching '('");
            }
            throw new ExpressionException(p.pos + 1, "unexpected '" + p.rest() + "'");
        }
        if (!e.isBoolean()) {
            throw new ExpressionException(1, "the expression must be a condition (a comparison"
                    + " such as 'candidate.p95_ms <= 120'), not a number");
        }
        return e;
    }

    private Expr or() {
        skipSpace();
        int start = pos + 1;
        Expr left = and();
        int leftDepth = depth;
        while (keyword("or")) {
            skipSpace();
            int col = pos + 1;
            Expr right = and();
            left = node(new Expr.Logic(false, bool(left, start, "or"), bool(right, col, "or")),
                    leftDepth, depth, col);
            leftDepth = depth;
        }
        return left;
    }

    private Expr and() {
        skipSpace();
        int start = pos + 1;
        Expr left = not();
        int leftDepth = depth;
        while (keyword("and")) {
            skipSpace();
            int col = pos + 1;
            Expr right = not();
            left = node(new Expr.Logic(true, bool(left, start, "and"), bool(right, col, "and")),
                    leftDepth, depth, col);
            leftDepth = depth;
        }
        return left;
    }

    private Expr not() {
        skipSpace();
        int col = pos + 1;
        if (keyword("not")) {
            enter(col);
            Expr operand = not();
            nesting--;
            return node(new Expr.Not(bool(operand, col, "not")), depth, 0, col);
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = sum();
        int leftDepth = depth;
        skipSpace();
        int col = pos + 1;
        String op = comparator();
        if (op == null) {
            return left;
        }
        Expr right = sum();
        Expr cmp = node(new Expr.Compare(op, num(left, col, op), num(right, col, op)),
                leftDepth, depth, col);
        skipSpace();
        if (comparatorAhead()) {
            throw new ExpressionException(pos + 1, "comparisons cannot be chained; use 'and'");
        }
        return cmp;
    }

    private Expr sum() {
        Expr left = product();
        int leftDepth = depth;
        while (true) {
            skipSpace();
            if (pos < text.length() && (peek() == '+' || peek() == '-')) {
                char op = peek();
                int col = ++pos;
                Expr right = product();
                left = node(new Expr.Arith(op, num(left, col, String.valueOf(op)),
                        num(right, col, String.valueOf(op))), leftDepth, depth, col);
                leftDepth = depth;
            } else {
                return left;
            }
        }
    }

    private Expr product() {
        Expr left = unary();
        int leftDepth = depth;
        while (true) {
            skipSpace();
            if (pos < text.length() && (peek() == '*' || peek() == '/')) {
                char op = peek();
                int col = ++pos;
                Expr right = unary();
                left = node(new Expr.Arith(op, num(left, col, String.valueOf(op)),
                        num(right, col, String.valueOf(op))), leftDepth, depth, col);
                leftDepth = depth;
            } else {
                return left;
            }
        }
    }

    private Expr unary() {
        skipSpace();
        if (pos < text.length() && peek() == '-') {
            int col = ++pos;
            enter(col);
            Expr operand = unary();
            nesting--;
            return node(new Expr.Neg(num(operand, col, "-")), depth, 0, col);
        }
        return primary();
    }

    private Expr primary() {
        skipSpace();
        if (pos >= text.length()) {
            throw new ExpressionException(pos + 1, "the expression ends where a value was"
                    + " expected");
        }
        char c = peek();
        int col = pos + 1;
        if (c == '(') {
            pos++;
            enter(col);
            Expr inner = or();
            nesting--;
            skipSpace();
            if (pos >= text.length() || peek() != ')') {
                throw new ExpressionException(col, "unbalanced parentheses: '(' at column "
                        + col + " is never closed");
            }
            pos++;
            return inner;
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            return name();
        }
        if (c == ')') {
            throw new ExpressionException(col, "unbalanced parentheses: ')' has no matching '('"
                    + " or closes an empty group");
        }
        throw new ExpressionException(col, "unexpected '" + c + "' where a value was expected");
    }

    private Expr number() {
        int start = pos;
        while (pos < text.length() && (Character.isDigit(peek()) || peek() == '.')) {
            pos++;
        }
        if (pos < text.length() && (peek() == 'e' || peek() == 'E')) {
            pos++;
            if (pos < text.length() && (peek() == '+' || peek() == '-')) {
                pos++;
            }
            while (pos < text.length() && Character.isDigit(peek())) {
                pos++;
            }
        }
        String literal = text.substring(start, pos);
        depth = 1;
        try {
            return new Expr.Num(Double.parseDouble(literal));
        } catch (NumberFormatException e) {
            throw new ExpressionException(start + 1, "malformed number '" + literal + "'");
        }
    }

    private Expr name() {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(peek()) || peek() == '_'
                || peek() == '.')) {
            pos++;
        }
        String name = text.substring(start, pos);
        int col = start + 1;
        skipSpace();
        if (pos < text.length() && peek() == '(') {
            return call(name, col);
        }
        if (name.equals("and") || name.equals("or") || name.equals("not")) {
            throw new ExpressionException(col, "'" + name + "' where a value was expected");
        }
        String[] segments = name.split("\\.", -1);
        String arm = arms.get(segments[0]);
        if (arm != null) {
            // <arm>.<metric>, or <arm>.outcome.<name> for a business outcome (ArmStats' name)
            boolean outcome = segments.length == 3 && segments[1].equals("outcome")
                    && SEGMENT.matcher(segments[2]).matches();
            if (!outcome && (segments.length != 2 || !SEGMENT.matcher(segments[1]).matches())) {
                throw new ExpressionException(col, "unknown metric syntax '" + name
                        + "': a metric reference is <arm>.<metric> or <arm>.outcome.<name>,"
                        + " e.g. '" + segments[0] + ".p95_ms'");
            }
            depth = 1;
            return new Expr.Ref(arm, outcome ? "outcome." + segments[2] : segments[1]);
        }
        for (String s : segments) {
            if (!SEGMENT.matcher(s).matches()) {
                throw new ExpressionException(col, "malformed name '" + name + "'");
            }
        }
        Double value = params.get(name);
        if (value == null) {
            throw new ExpressionException(col, "unknown param '" + name + "': neither an arm "
                    + arms.keySet().stream().sorted().toList() + " nor a name in params "
                    + params.keySet().stream().sorted().toList());
        }
        depth = 1;
        return new Expr.Param(name, value);
    }

    private Expr call(String name, int col) {
        int min;
        int max;
        switch (name) {
            case "abs":
                min = 1;
                max = 1;
                break;
            case "max":
            case "min":
                min = 2;
                max = Integer.MAX_VALUE;
                break;
            default:
                throw new ExpressionException(col, "unknown function '" + name
                        + "': the functions are abs, max and min");
        }
        int open = pos + 1;
        pos++; // '('
        List<Expr> args = new ArrayList<>();
        int deepest = 0;
        enter(col);
        skipSpace();
        if (pos < text.length() && peek() == ')') {
            pos++;
        } else {
            while (true) {
                int argCol = pos + 1;
                args.add(num(sum(), argCol, name + "()"));
                deepest = Math.max(deepest, depth);
                skipSpace();
                if (pos < text.length() && peek() == ',') {
                    pos++;
                    continue;
                }
                if (pos < text.length() && peek() == ')') {
                    pos++;
                    break;
                }
                throw new ExpressionException(open, "unbalanced parentheses: '(' at column "
                        + open + " is never closed");
            }
        }
        nesting--;
        if (args.size() < min || args.size() > max) {
            throw new ExpressionException(col, name + "() takes " + (min == max ? "exactly " + min
                    : "at least " + min) + " argument(s), but was given " + args.size());
        }
        return node(new Expr.Call(name, args), deepest, 0, col);
    }

    /** One more level of recursion, refused past {@link #MAX_DEPTH}. */
    private void enter(int col) {
        if (++nesting > MAX_DEPTH) {
            throw new ExpressionException(col, "the expression nests deeper than " + MAX_DEPTH
                    + " levels");
        }
    }

    /** A node over children of the given depths, refused past {@link #MAX_DEPTH}. */
    private Expr node(Expr e, int leftDepth, int rightDepth, int col) {
        int d = 1 + Math.max(leftDepth, rightDepth);
        if (d > MAX_DEPTH) {
            throw new ExpressionException(col, "the expression nests deeper than " + MAX_DEPTH
                    + " levels (a chain of operators counts one level per operator)");
        }
        depth = d;
        return e;
    }

    private Expr num(Expr e, int col, String op) {
        if (e.isBoolean()) {
            throw new ExpressionException(col, "'" + op + "' needs a number, but was given a"
                    + " condition");
        }
        return e;
    }

    private Expr bool(Expr e, int col, String op) {
        if (!e.isBoolean()) {
            throw new ExpressionException(Math.max(1, col), "'" + op + "' needs a condition"
                    + " (a comparison), but was given a number");
        }
        return e;
    }

    private boolean keyword(String word) {
        skipSpace();
        int end = pos + word.length();
        if (text.startsWith(word, pos) && (end >= text.length()
                || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
                        || text.charAt(end) == '.'))) {
            pos = end;
            return true;
        }
        return false;
    }

    private @Nullable String comparator() {
        for (String op : new String[] {"<=", ">=", "==", "!=", "<", ">"}) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        if (pos < text.length() && peek() == '=') {
            throw new ExpressionException(pos + 1, "'=' is not an operator; use '=='");
        }
        return null;
    }

    private boolean comparatorAhead() {
        return pos < text.length() && "<>=!".indexOf(peek()) >= 0;
    }

    private char peek() {
        return text.charAt(pos);
    }

    private String rest() {
        return text.substring(pos, Math.min(text.length(), pos + 20));
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(peek())) {
            pos++;
        }
    }
}
