package dev.releaserouter.rollout.gates;

import java.util.List;
import java.util.Map;

/**
 * A parsed gate expression: an immutable tree, safe to share between threads. Numeric nodes
 * evaluate to a double where NaN means unknown; boolean nodes to a {@link Tri}.
 */
sealed interface Expr {

    /**
     * Whether this node is boolean (a comparison or a logical operator) rather than numeric.
     *
     * @return true for boolean nodes
     */
    boolean isBoolean();

    /**
     * The numeric value; NaN when an operand is unknown.
     *
     * @param input the measurements
     * @return the value
     * @throws UnsupportedOperationException on a boolean node (the parser rules that out)
     */
    default double number(GateInput input) {
        throw new UnsupportedOperationException("not numeric: " + this);
    }

    /**
     * The truth value.
     *
     * @param input the measurements
     * @return the truth value, UNKNOWN when an operand is unknown
     * @throws UnsupportedOperationException on a numeric node (the parser rules that out)
     */
    default Tri truth(GateInput input) {
        return truth(Judge.asMeasured(input));
    }

    /**
     * The truth value, each comparison judged by the judge (as measured, or on a metric's
     * confidence bounds).
     *
     * @param judge how comparisons are decided
     * @return the truth value, UNKNOWN when an operand is unknown or the bounds do not decide
     * @throws UnsupportedOperationException on a numeric node (the parser rules that out)
     */
    default Tri truth(Judge judge) {
        throw new UnsupportedOperationException("not boolean: " + this);
    }

    /**
     * Whether the node reads no measurement: a number, a param, or arithmetic over them.
     *
     * @return true if the value does not depend on the input
     */
    default boolean isConstant() {
        return false;
    }

    /**
     * Adds every metric reference and named parameter below this node, in order of appearance,
     * with its value.
     *
     * @param input the measurements
     * @param out receives "arm.metric" or the parameter's name, and the value
     */
    void collect(GateInput input, Map<String, Double> out);

    /** A literal number. @param value the number */
    record Num(double value) implements Expr {
        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public boolean isConstant() {
            return true;
        }

        @Override
        public double number(GateInput input) {
            return value;
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            // a literal is not a measurement
        }
    }

    /**
     * A named constant from the policy's {@code params}.
     *
     * @param name the dotted name
     * @param value its value
     */
    record Param(String name, double value) implements Expr {
        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public boolean isConstant() {
            return true;
        }

        @Override
        public double number(GateInput input) {
            return value;
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            out.put(name, value);
        }
    }

    /**
     * A metric of an arm, e.g. {@code candidate.p95_ms}.
     *
     * @param arm the canonical arm name ({@code stable} or {@code candidate})
     * @param metric the metric name
     */
    record Ref(String arm, String metric) implements Expr {
        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public double number(GateInput input) {
            return input.value(arm, metric);
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            out.put(arm + "." + metric, number(input));
        }
    }

    /** Unary minus. @param operand the operand */
    record Neg(Expr operand) implements Expr {
        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public boolean isConstant() {
            return operand.isConstant();
        }

        @Override
        public double number(GateInput input) {
            return -operand.number(input);
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            operand.collect(input, out);
        }
    }

    /**
     * Arithmetic: {@code + - * /} with IEEE 754 semantics (x / 0 is infinite, 0 / 0 is NaN).
     *
     * @param op one of {@code + - * /}
     * @param left the left operand
     * @param right the right operand
     */
    record Arith(char op, Expr left, Expr right) implements Expr {
        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public boolean isConstant() {
            return left.isConstant() && right.isConstant();
        }

        @Override
        public double number(GateInput input) {
            double a = left.number(input);
            double b = right.number(input);
            switch (op) {
                case '+':
                    return a + b;
                case '-':
                    return a - b;
                case '*':
                    return a * b;
                default:
                    return a / b;
            }
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            left.collect(input, out);
            right.collect(input, out);
        }
    }

    /**
     * A function call: {@code abs(x)}, {@code max(x, y, ...)}, {@code min(x, y, ...)}. An unknown
     * argument makes the result unknown.
     *
     * @param name the function's name
     * @param args the arguments
     */
    record Call(String name, List<Expr> args) implements Expr {
        /**
         * Copies the arguments.
         *
         * @param name as described on the record
         * @param args as described on the record
         */
        public Call {
            args = List.copyOf(args);
        }

        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public boolean isConstant() {
            return args.stream().allMatch(Expr::isConstant);
        }

        @Override
        public double number(GateInput input) {
            double result = args.get(0).number(input);
            if (name.equals("abs")) {
                return Math.abs(result);
            }
            for (int i = 1; i < args.size(); i++) {
                double v = args.get(i).number(input);
                result = name.equals("max") ? Math.max(result, v) : Math.min(result, v);
            }
            return result;
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            for (Expr a : args) {
                a.collect(input, out);
            }
        }
    }

    /**
     * A comparison; UNKNOWN when either side is NaN.
     *
     * @param op one of {@code <= < >= > == !=}
     * @param left the left side, usually the measured value
     * @param right the right side, usually the threshold
     */
    record Compare(String op, Expr left, Expr right) implements Expr {
        @Override
        public boolean isBoolean() {
            return true;
        }

        @Override
        public Tri truth(Judge judge) {
            return judge.compare(this);
        }

        /**
         * The comparison of two numbers; UNKNOWN when either is NaN.
         *
         * @param a the left side's value
         * @param b the right side's value
         * @return the truth value
         */
        Tri holds(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Tri.UNKNOWN;
            }
            switch (op) {
                case "<=":
                    return Tri.of(a <= b);
                case "<":
                    return Tri.of(a < b);
                case ">=":
                    return Tri.of(a >= b);
                case ">":
                    return Tri.of(a > b);
                case "==":
                    return Tri.of(a == b);
                default:
                    return Tri.of(a != b);
            }
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            left.collect(input, out);
            right.collect(input, out);
        }
    }

    /**
     * {@code and} / {@code or} in Kleene logic.
     *
     * @param and true for {@code and}, false for {@code or}
     * @param left the left operand
     * @param right the right operand
     */
    record Logic(boolean and, Expr left, Expr right) implements Expr {
        @Override
        public boolean isBoolean() {
            return true;
        }

        @Override
        public Tri truth(Judge judge) {
            Tri a = left.truth(judge);
            Tri b = right.truth(judge);
            return and ? a.and(b) : a.or(b);
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            left.collect(input, out);
            right.collect(input, out);
        }
    }

    /** {@code not}. @param operand the operand */
    record Not(Expr operand) implements Expr {
        @Override
        public boolean isBoolean() {
            return true;
        }

        @Override
        public Tri truth(Judge judge) {
            return operand.truth(judge).not();
        }

        @Override
        public void collect(GateInput input, Map<String, Double> out) {
            operand.collect(input, out);
        }
    }
}
