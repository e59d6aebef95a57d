package dev.releaserouter.rollout.gates;

/**
 * A syntax or type error in a gate expression, with the 1-based column where it was found.
 * {@link PolicyParser} turns it into a {@link dev.releaserouter.api.config.ConfigException}
 * that names the file and the JSON pointer.
 */
final class ExpressionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The 1-based column. */
    private final int column;
    /** The problem without the column. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param column the 1-based column of the offending character or token
     * @param problem what is wrong, without the column
     */
    public ExpressionException(int column, String problem) {
        super(problem + " (column " + column + ")");
        this.column = column;
        this.problem = problem;
    }

    /**
     * The 1-based column of the error.
     *
     * @return the column
     */
    public int column() {
        return column;
    }

    /**
     * The problem without the column.
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
