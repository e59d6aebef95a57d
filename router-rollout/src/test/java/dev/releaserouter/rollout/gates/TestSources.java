package dev.releaserouter.rollout.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** External metric sources for tests: answering from a function, or failing. */
public final class TestSources {

    private TestSources() {}

    /** A source answering every metric and arm from a function, recording the queries. */
    public static class Answering implements ExternalMetricSource {
        private final String name;
        private final BiFunction<String, String, ExternalReadings.Reading> answer;
        /** The queries it was asked, in order. */
        public final List<ExternalQuery> calls = new ArrayList<>();

        /**
         * @param name the source's name
         * @param answer (arm, metric) to its reading
         */
        public Answering(String name, BiFunction<String, String, ExternalReadings.Reading> answer) {
            this.name = name;
            this.answer = answer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ExternalReadings read(List<ExternalMetric> metrics, ExternalQuery query) {
            calls.add(query);
            ExternalReadings.Builder b = ExternalReadings.builder();
            for (ExternalMetric m : metrics) {
                for (String arm : List.of(GateInput.STABLE, GateInput.CANDIDATE)) {
                    ExternalReadings.Reading r = answer.apply(arm, m.name());
                    if (r != null) {
                        b.put(arm, m.name(), r);
                    }
                }
            }
            return b.build();
        }
    }

    /**
     * @param name the source's name
     * @param failure what every read throws
     * @return the source
     */
    public static ExternalMetricSource failing(String name, Throwable failure) {
        return new ExternalMetricSource() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ExternalReadings read(List<ExternalMetric> metrics, ExternalQuery query) {
                if (failure instanceof RuntimeException e) {
                    throw e;
                }
                throw (Error) failure;
            }
        };
    }
}
