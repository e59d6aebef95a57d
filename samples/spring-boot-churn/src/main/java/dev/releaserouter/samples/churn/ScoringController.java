package dev.releaserouter.samples.churn;

import java.util.Map;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /score}: the churn score of one customer. Thread-safe. */
@RestController
public class ScoringController {

    private final ChurnModelV1 model;

    /**
     * Creates the controller.
     *
     * @param model the (shadowed) stable model
     */
    public ScoringController(ChurnModelV1 model) {
        this.model = model;
    }

    /**
     * Scores a customer.
     *
     * @param features the customer's features
     * @return {@code {"customerId": ..., "score": ...}}
     */
    @PostMapping("/score")
    public Map<String, Object> score(@RequestBody Features features) {
        return Map.of("customerId", features.customerId(), "score", model.score(features));
    }
}
