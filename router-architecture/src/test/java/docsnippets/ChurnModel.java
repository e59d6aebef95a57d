package docsnippets;

/** The reader's model in the documentation's snippets ({@code churnV1::score}). */
public class ChurnModel {

    /**
     * @param version a version name
     * @return a model
     */
    public static ChurnModel load(String version) {
        return new ChurnModel();
    }

    /**
     * @param features the input
     * @return a score
     */
    public double score(Features features) {
        return 0.5;
    }

    /**
     * @param tenure months
     * @param plan the plan
     * @return a score
     */
    public double score(int tenure, String plan) {
        return 0.5;
    }
}
