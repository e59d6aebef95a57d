package dev.releaserouter.samples.churn;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the churn scoring service. */
@SpringBootApplication
public class ChurnApplication {

    /** Created by Spring. */
    public ChurnApplication() {
    }

    /**
     * Starts the service.
     *
     * @param args Spring Boot arguments, e.g. {@code --server.port=8080}
     */
    public static void main(String[] args) {
        SpringApplication.run(ChurnApplication.class, args);
    }
}
